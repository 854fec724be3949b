//! The completion scripts installed where the README puts them, in the real shells: each
//! shell then completes `thanos-kustomize ren` to `render` (zsh: registers the completion
//! function, as its completion system does for a file in `fpath`).
//!
//! Where a shell cannot run, its test is reported as ignored with the reason (failed when
//! `CI` is set; `.ci/run` installs Debian's zsh and fish): the harness is
//! `libtest-mimic`, see `tools`.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use libtest_mimic::{Arguments, Trial};

#[path = "../../thanos-render/tests/common/tools.rs"]
mod tools;

const BIN: &str = env!("CARGO_BIN_EXE_thanos-kustomize");

fn main() {
    let args = Arguments::from_args();
    let trials: Vec<Trial> = [
        ("bash_completes_the_subcommands", "bash", bash as fn()),
        ("zsh_registers_the_completion_from_fpath", "zsh", zsh),
        (
            "fish_completes_from_its_completions_directory",
            "fish",
            fish,
        ),
    ]
    .into_iter()
    .map(|(name, shell, test)| {
        tools::needs(
            name,
            move || tools::tool_missing(shell, &["-c", "true"]),
            test,
        )
    })
    .collect();
    libtest_mimic::run(&args, trials).exit();
}

/// Runs `command`, asserts it succeeds, and returns its standard output.
fn stdout(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("{command:?} ran a moment ago and now does not: {error}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{command:?}: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

/// `thanos-kustomize completions SHELL` written to `file` (its directories made).
fn install(shell: &str, file: &Path) {
    let script = stdout(Command::new(BIN).args(["completions", shell]));
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    fs::write(file, script).unwrap();
}

/// Runs `shell` with `args` in a clean environment whose home is `home` and whose PATH
/// has the binary first; returns its standard output.
fn run(shell: &str, home: &Path, args: &[&str]) -> String {
    let bin_dir = Path::new(BIN).parent().unwrap().to_owned();
    let path = std::env::join_paths([bin_dir, PathBuf::from("/usr/bin"), PathBuf::from("/bin")]);
    stdout(
        Command::new(shell)
            .args(args)
            .env_clear()
            .env("PATH", path.unwrap())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share")),
    )
}

fn bash() {
    let home = tempfile::tempdir().unwrap();
    let file = home
        .path()
        .join(".local/share/bash-completion/completions/thanos-kustomize");
    install("bash", &file);
    let script = format!(
        "source {}; complete -p thanos-kustomize; COMP_WORDS=(thanos-kustomize ren); COMP_CWORD=1; \
         COMP_LINE='thanos-kustomize ren'; COMP_POINT=${{#COMP_LINE}}; \
         _thanos__kustomize thanos-kustomize ren thanos-kustomize; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display()
    );
    let out = run(
        "bash",
        home.path(),
        &["--norc", "--noprofile", "-c", &script],
    );
    assert_eq!(
        out,
        "complete -o bashdefault -o default -o nosort -F _thanos__kustomize thanos-kustomize\nrender\n"
    );
}

fn zsh() {
    let home = tempfile::tempdir().unwrap();
    let functions = home.path().join(".zfunc");
    install("zsh", &functions.join("_thanos-kustomize"));
    let script = format!(
        "fpath=({} $fpath); autoload -Uz compinit && compinit -u -d {}; print -r -- ${{_comps[thanos-kustomize]}}",
        functions.display(),
        home.path().join(".zcompdump").display()
    );
    let out = run("zsh", home.path(), &["-f", "-c", &script]);
    assert_eq!(out, "_thanos-kustomize\n");
}

fn fish() {
    let home = tempfile::tempdir().unwrap();
    install(
        "fish",
        &home
            .path()
            .join(".config/fish/completions/thanos-kustomize.fish"),
    );
    let out = run(
        "fish",
        home.path(),
        &["-c", "complete -C 'thanos-kustomize ren'"],
    );
    assert_eq!(
        out,
        "render\tRender a fleet file into its Kustomize + Helm tree\n"
    );
    let formats = run(
        "fish",
        home.path(),
        &["-c", "complete -C 'thanos-kustomize check --format '"],
    );
    let formats: Vec<&str> = formats
        .lines()
        .filter_map(|line| line.split('\t').next())
        .collect();
    assert_eq!(formats, ["github", "json", "text"]);
}
