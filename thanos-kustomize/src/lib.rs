//! The `thanos-kustomize` command-line tool's library: the directory [`write`](mod@write)r shared by
//! `thanos-kustomize render --out` and the workspace's examples. Rendering is
//! `thanos_render`'s and does no I/O; this crate is where the tree meets the disk.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod write;

/// The README's embedding example, compiled by `cargo test`.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
