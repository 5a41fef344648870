//! The plan as a runbook: a script for the platform's shell (POSIX sh for
//! `kubernetes`, `elasticsearch` and `mongodb`; PowerShell for `wsfc` and
//! `exchange-2003`) that carries out the plan's commands in order. Each step
//! is echoed and confirmed before it runs (`--yes` / `-Yes` skips that), its
//! checks run after it, and the script stops at the first command or check
//! that fails. What must be done by hand is shown and always waits for a
//! confirmation. The plan's fingerprint is in the header, so a runbook can be
//! matched to the plan it was made from.
//!
//! Text only, like every output of the core: the commands come from
//! [`crate::platform`], every value in them quoted there; the titles and
//! names the script echoes are quoted here.

use std::fmt::Write as _;

use crate::model::Cluster;
use crate::plan::Plan;
use crate::platform::{self, BY_HAND, Shell};

/// The runbook of `plan` on the cluster's platform, or `None` on `generic`
/// (which has no commands).
pub fn runbook(cluster: &Cluster, plan: &Plan, fingerprint: &str) -> Option<String> {
    let profile = platform::profile(cluster.platform())?;
    let commands = crate::report::step_commands(cluster, plan);
    let preflight = platform::preflight(cluster);
    let mut script = match profile.shell {
        Shell::Posix => Script::posix(cluster, fingerprint),
        Shell::PowerShell => Script::powershell(cluster, fingerprint),
    };
    script.heading("Before you start");
    for check in &preflight {
        match &check.command {
            Some(command) => script.check_before(&check.check, command),
            None => script.confirm_by_hand(&check.check),
        }
    }
    for (index, (step, (run, verify))) in plan.steps.iter().zip(&commands).enumerate() {
        let number = index + 1;
        script.step(number, &step.title);
        for line in run {
            if let Some(by_hand) = line.strip_prefix(BY_HAND) {
                script.confirm_by_hand(by_hand);
            } else if let Some(note) = line.strip_prefix("# ") {
                script.note(note);
            } else {
                script.run(number, line);
            }
        }
        for line in verify {
            script.verify(number, line);
        }
    }
    script.end();
    Some(script.text)
}

/// A runbook being written, in one shell's words.
struct Script {
    shell: Shell,
    text: String,
}

impl Script {
    fn posix(cluster: &Cluster, fingerprint: &str) -> Script {
        let mut text = String::from("#!/bin/sh\n");
        let _ = writeln!(text, "# rollplan runbook for {}", one_line(cluster.name()));
        let _ = writeln!(text, "# plan fingerprint {fingerprint}, platform {}", cluster.platform().as_str());
        text.push_str(POSIX_PRELUDE);
        Script { shell: Shell::Posix, text }
    }

    fn powershell(cluster: &Cluster, fingerprint: &str) -> Script {
        let mut text = String::new();
        let _ = writeln!(text, "# rollplan runbook for {}", one_line(cluster.name()));
        let _ = writeln!(text, "# plan fingerprint {fingerprint}, platform {}", cluster.platform().as_str());
        text.push_str(POWERSHELL_PRELUDE);
        Script { shell: Shell::PowerShell, text }
    }

    fn quote(&self, text: &str) -> String {
        self.shell.quote(text, true)
    }

    fn heading(&mut self, text: &str) {
        let quoted = self.quote(&format!("== {text}"));
        let _ = match self.shell {
            Shell::Posix => writeln!(self.text, "\nsay {quoted}"),
            Shell::PowerShell => writeln!(self.text, "\nWrite-Host {quoted}"),
        };
    }

    /// A check before step 1 with the command that shows it: run, and the script stops when it fails.
    fn check_before(&mut self, check: &str, command: &str) {
        let (text, shown) = (self.quote(&format!("Check: {check}")), self.quote(command));
        let _ = match self.shell {
            Shell::Posix => writeln!(self.text, "say {text}\n{{ {command}; }} || fail 0 {shown}"),
            Shell::PowerShell => writeln!(self.text, "Write-Host {text}\nAssert-Check 0 {{ {command} }}"),
        };
    }

    /// Something to do by hand: shown, and confirmed even under `--yes`.
    fn confirm_by_hand(&mut self, what: &str) {
        let quoted = self.quote(what);
        let _ = match self.shell {
            Shell::Posix => writeln!(self.text, "by_hand {quoted}"),
            Shell::PowerShell => writeln!(self.text, "Confirm-ByHand {quoted}"),
        };
    }

    fn note(&mut self, text: &str) {
        let quoted = self.quote(text);
        let _ = match self.shell {
            Shell::Posix => writeln!(self.text, "say {quoted}"),
            Shell::PowerShell => writeln!(self.text, "Write-Host {quoted}"),
        };
    }

    fn step(&mut self, number: usize, title: &str) {
        let quoted = self.quote(&format!("Step {number}: {}", one_line(title)));
        let _ = match self.shell {
            Shell::Posix => writeln!(self.text, "\nstep {quoted}"),
            Shell::PowerShell => writeln!(self.text, "\nStart-Step {quoted}"),
        };
    }

    fn run(&mut self, number: usize, command: &str) {
        let shown = self.quote(command);
        let _ = match self.shell {
            Shell::Posix => writeln!(self.text, "{{ {command}; }} || fail {number} {shown}"),
            Shell::PowerShell => writeln!(self.text, "Invoke-Checked {number} {{ {command} }}"),
        };
    }

    fn verify(&mut self, number: usize, check: &str) {
        let shown = self.quote(check);
        let _ = match self.shell {
            Shell::Posix => writeln!(self.text, "{{ {check}; }} || fail {number} {shown}"),
            Shell::PowerShell => writeln!(self.text, "Assert-Check {number} {{ {check} }}"),
        };
    }

    fn end(&mut self) {
        let _ = match self.shell {
            Shell::Posix => writeln!(self.text, "\nsay '== Done: every step carried out and checked'"),
            Shell::PowerShell => writeln!(self.text, "\nWrite-Host '== Done: every step carried out and checked'"),
        };
    }
}

/// `text` on one line: a name or title written into a comment.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// The helpers of a POSIX runbook: `--yes`, the prompt, the stop.
const POSIX_PRELUDE: &str = r#"# Each command is also shown as text, in single quotes, when it fails:
# shellcheck disable=SC1003,SC2016
# Carries out the plan's commands in order. Before each step it asks for a
# confirmation (--yes skips those); after each step it runs the step's
# checks, and it stops at the first command or check that fails. What must
# be done by hand is shown and always waits for a confirmation.

yes=0
case "${1-}" in
  --yes | -y) yes=1 ;;
  '') ;;
  *) printf 'usage: %s [--yes]\n' "$0" >&2; exit 2 ;;
esac

say() { printf '%s\n' "$1"; }

# fail STEP COMMAND: stops the runbook after a command or check that failed.
fail() {
  printf 'Step %s failed: %s\nStopped: fix the cause, then carry on from this step by hand.\n' "$1" "$2" >&2
  exit 1
}

# ask QUESTION: goes on only on yes.
ask() {
  printf '%s [y/N] ' "$1"
  read -r answer || answer=
  case "$answer" in
    y | Y | yes | Yes) ;;
    *) say 'Stopped.'; exit 1 ;;
  esac
}

step() {
  say ''
  say "== $1"
  if [ "$yes" = 0 ]; then ask 'Carry out this step?'; fi
}

by_hand() {
  say "By hand: $1"
  ask 'Done?'
}
"#;

/// The helpers of a PowerShell runbook: `-Yes`, the prompt, the checks.
const POWERSHELL_PRELUDE: &str = r#"# Carries out the plan's commands in order. Before each step it asks for a
# confirmation (-Yes skips those); after each step it runs the step's
# checks, and it stops at the first command or check that fails. What must
# be done by hand is shown and always waits for a confirmation.
param([switch]$Yes)
$ErrorActionPreference = 'Stop'

function Stop-Runbook([string]$Why) {
    Write-Host $Why
    Write-Host 'Stopped: fix the cause, then carry on from this step by hand.'
    exit 1
}

function Read-Yes([string]$Question) {
    $answer = Read-Host "$Question [y/N]"
    if ($answer -notmatch '^(y|yes)$') { Write-Host 'Stopped.'; exit 1 }
}

function Start-Step([string]$Title) {
    Write-Host ''
    Write-Host "== $Title"
    if (-not $Yes) { Read-Yes 'Carry out this step?' }
}

function Confirm-ByHand([string]$What) {
    Write-Host "By hand: $What"
    Read-Yes 'Done?'
}

# Runs a step's command: a command that throws or exits non-zero stops the runbook.
function Invoke-Checked([int]$Step, [scriptblock]$Command) {
    $global:LASTEXITCODE = 0
    try { & $Command | Out-Host } catch { Stop-Runbook "Step ${Step} failed: $Command ($_)" }
    if ($LASTEXITCODE) { Stop-Runbook "Step ${Step} failed: $Command (exit code $LASTEXITCODE)" }
}

# Runs a check: it passes only when it answers True; one that throws, exits
# non-zero, answers anything else or nothing at all stops the runbook.
function Assert-Check([int]$Step, [scriptblock]$Check) {
    $global:LASTEXITCODE = 0
    try { $answer = @(& $Check) } catch { Stop-Runbook "Step ${Step}: check failed: $Check ($_)" }
    if ($LASTEXITCODE -or $answer.Count -eq 0 -or $answer[-1] -isnot [bool] -or -not $answer[-1]) {
        Stop-Runbook "Step ${Step}: check failed: $Check"
    }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generic_cluster_has_no_runbook() {
        let seed = include_str!("../../../tests/examples/exchange-2003-two-node.yaml");
        let cluster = crate::validate_as(seed, crate::Syntax::Yaml).cluster.unwrap();
        let crate::plan::Outcome::Planned(plan) = crate::plan::plan(&cluster) else { panic!("planned") };
        assert_eq!(runbook(&cluster, &plan, "x"), None);
        let wsfc = cluster.with_platform(crate::model::Platform::Wsfc);
        let text = runbook(&wsfc, &plan, "0123456789abcdef").unwrap();
        assert!(text.contains("# plan fingerprint 0123456789abcdef, platform wsfc"), "{text}");
        assert!(text.contains("Start-Step 'Step 1: Pause NODE2'"), "{text}");
        assert!(text.contains("Invoke-Checked 1 { Suspend-ClusterNode -Name 'NODE2' -Drain -Wait }"), "{text}");
    }
}
