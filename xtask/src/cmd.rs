//! Running child processes: one place that prints what is run and turns a
//! failure into an error message naming the command.
//!
//! Every child gets the same environment additions (see [`Env`]) so that the
//! tools installed project-locally (wasm-opt from npm) and by `cargo install`
//! are found by Trunk and by cargo's test runner, whatever the caller's PATH.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The error type of the whole xtask: a message for a person, already formatted.
pub type Result<T> = std::result::Result<T, String>;

/// Environment shared by every child process.
#[derive(Debug, Clone)]
pub struct Env {
    /// The workspace root; children run here unless told otherwise.
    pub root: PathBuf,
    /// Directories put in front of PATH, most preferred first.
    pub path_prefix: Vec<PathBuf>,
    /// Extra variables (`CHROMEDRIVER`, ...).
    pub vars: Vec<(String, OsString)>,
}

impl Env {
    pub fn new(root: PathBuf) -> Self {
        Env { root, path_prefix: Vec::new(), vars: Vec::new() }
    }

    /// PATH for children: our prefix, then the caller's PATH.
    pub fn path(&self) -> OsString {
        let inherited = std::env::var_os("PATH").unwrap_or_default();
        let dirs = self.path_prefix.iter().cloned().chain(std::env::split_paths(&inherited));
        std::env::join_paths(dirs).unwrap_or(inherited)
    }

    /// A command set up with this environment, run from the workspace root.
    pub fn command(&self, program: impl AsRef<Path>) -> Command {
        let mut command = Command::new(program.as_ref());
        command.current_dir(&self.root).env("PATH", self.path());
        for (name, value) in &self.vars {
            command.env(name, value);
        }
        command
    }

    /// Runs `program args...` with inherited output; an error names the command.
    pub fn run(&self, program: &str, args: &[&str]) -> Result<()> {
        let mut command = self.command(program);
        command.args(args);
        run(&mut command)
    }

    /// Runs a command quietly and returns its trimmed stdout, or `None` when it
    /// cannot be started or fails: for `--version` probes, where "missing" and
    /// "broken" both mean "install it".
    pub fn probe(&self, program: impl AsRef<Path>, args: &[&str]) -> Option<String> {
        let output = self.command(program).args(args).stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
        output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    }

    /// The first file called `name` in this environment's PATH.
    pub fn which(&self, name: &str) -> Option<PathBuf> {
        std::env::split_paths(&self.path()).map(|dir| dir.join(name)).find(|candidate| candidate.is_file())
    }
}

/// Runs a prepared command with inherited stdio and fails unless it exits 0.
pub fn run(command: &mut Command) -> Result<()> {
    let shown = show(command);
    println!("$ {shown}");
    let status = command.status().map_err(|error| format!("could not start `{shown}`: {error}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{shown}` failed ({status})")) }
}

/// A command as a person would type it (environment additions left out).
fn show(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|part| part.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ")
}
