//! Tests that need something outside the checkout (a tool such as kubectl, or the builds
//! of `scripts/e2e.sh`): where it is missing they are reported as ignored with the reason,
//! never as passed; under CI (`CI` set, as CI runs `.ci/run` with `CI=true`) they fail.
//!
//! These tests run under `libtest-mimic` (`harness = false`), which can ignore a test at
//! run time with a reason; the standard harness cannot. Shared with
//! `thanos-kustomize/tests/kustomize_build.rs`.

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    process::Command,
};

use libtest_mimic::{Completion, Failed, Trial};

/// Whether a missing requirement fails a test rather than ignoring it: `CI` is set to
/// anything but `false` or `0`.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.trim(), "" | "false" | "0"))
}

/// What is missing, told as a test outcome: ignored with the reason, or failed under CI.
pub fn missing(reason: &str) -> Result<Completion, Failed> {
    if in_ci() {
        Err(format!("{reason}; CI is set, so this fails instead of being ignored").into())
    } else {
        Ok(Completion::ignored_with(reason))
    }
}

/// `None` when `tool` runs (`tool <args>` exits 0), else why not.
pub fn tool_missing(tool: &str, args: &[&str]) -> Option<String> {
    match Command::new(tool).args(args).output() {
        Ok(output) if output.status.success() => None,
        Ok(output) => Some(format!(
            "`{tool} {}` failed here: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        )),
        Err(error) => Some(format!("{tool} is not runnable here ({error})")),
    }
}

/// A test that runs `body` when `requirement` reports nothing missing; otherwise it is
/// ignored with the reason (failed under CI). A panic in `body` fails the test with its
/// message.
pub fn needs<R, B>(name: impl Into<String>, requirement: R, body: B) -> Trial
where
    R: FnOnce() -> Option<String> + Send + 'static,
    B: FnOnce() + Send + 'static,
{
    Trial::ignorable_test(name, move || {
        if let Some(reason) = requirement() {
            return missing(&reason);
        }
        catch_unwind(AssertUnwindSafe(body))
            .map(|()| Completion::Completed)
            .map_err(|panic| {
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "the test panicked".to_owned())
                    .into()
            })
    })
}
