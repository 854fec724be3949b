//! `completions` and `man`: shell completions and the man page, generated from the
//! command-line definition itself.

use std::path::PathBuf;

use clap_complete::Shell;

use super::{print_stdout, Exit};

/// Print the shell completion script for SHELL (bash, zsh, fish, elvish or powershell).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    thanos-kustomize completions bash > ~/.local/share/bash-completion/completions/thanos-kustomize\n  \
    thanos-kustomize completions zsh > \"${fpath[1]}/_thanos-kustomize\"\n  \
    thanos-kustomize completions fish > ~/.config/fish/completions/thanos-kustomize.fish")]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum, value_name = "SHELL")]
    shell: Shell,
}

/// Runs `completions` for the program `command`.
pub fn run(args: &CompletionsArgs, mut command: clap::Command) -> Exit {
    let mut script = Vec::new();
    let name = command.get_name().to_owned();
    clap_complete::generate(args.shell, &mut command, name, &mut script);
    print_stdout(&String::from_utf8_lossy(&script))
}

/// Print the man page (roff), or write one page per command into a directory.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    thanos-kustomize man > thanos-kustomize.1 && man ./thanos-kustomize.1\n  \
    thanos-kustomize man --out /usr/local/share/man/man1   # a page per command")]
pub struct ManArgs {
    /// Write `thanos-kustomize.1` and `thanos-kustomize-<command>.1` into this directory
    /// instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Runs `man` for the program `command`.
pub fn run_man(args: &ManArgs, command: clap::Command) -> Exit {
    if let Some(dir) = &args.out {
        return match std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(command, dir))
        {
            Ok(()) => Exit::Success,
            Err(error) => crate::io_failure(format!("{}: {error}", dir.display())),
        };
    }
    let mut page = Vec::new();
    match clap_mangen::Man::new(command).render(&mut page) {
        Ok(()) => print_stdout(&String::from_utf8_lossy(&page)),
        Err(error) => crate::io_failure(format!("cannot render the man page: {error}")),
    }
}
