//! Reading a rendered runbook as an operator's shell would: its fenced `sh` blocks, and
//! `bash -n` over them.

use std::{
    io::Write as _,
    process::{Command, Stdio},
};

/// The code of every fenced block whose info string is `sh`, in order, read from the
/// Markdown text (CommonMark fences of three or more backticks).
pub fn sh_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, bool, String)> = None;
    for line in markdown.lines() {
        let ticks = line.chars().take_while(|&c| c == '`').count();
        match &mut open {
            None if ticks >= 3 => {
                let info = line[ticks..].trim();
                open = Some((ticks, info == "sh", String::new()));
            }
            None => {}
            Some((fence, _, _)) if ticks >= *fence && line[ticks..].trim().is_empty() => {
                if let Some((_, true, code)) = open.take() {
                    blocks.push(code);
                }
            }
            Some((_, _, code)) => {
                code.push_str(line);
                code.push('\n');
            }
        }
    }
    assert!(open.is_none(), "a code block is not closed");
    blocks
}

/// `bash -n` of `script`: `Err` with bash's message when it does not parse.
pub fn bash_syntax(script: &str) -> Result<(), String> {
    let mut bash = Command::new("bash")
        .arg("-n")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs (it is on every Linux machine the tests run on)");
    bash.stdin
        .take()
        .expect("stdin is piped")
        .write_all(script.as_bytes())
        .expect("bash reads the script");
    let output = bash.wait_with_output().expect("bash finishes");
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "bash -n: {}\n{script}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
