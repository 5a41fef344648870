//! `rollplan`: the command-line shell over `rollplan-core`.
//!
//! Parses arguments, reads files, calls the core, prints. No planning or
//! validation logic lives here.

mod input;
mod render;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::input::Input;

/// Plan rolling upgrades of failover clusters.
///
/// rollplan reads a description of a cluster (nodes, the software on them with
/// current and target versions, the clustered services and where they may
/// run, the policy) in YAML, TOML or JSON, checks it, and plans the upgrade.
/// The format is documented in docs/format.md.
#[derive(Debug, Parser)]
#[command(name = "rollplan", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check descriptions and print every problem found, with its location.
    ///
    /// Exit status: 0 when no file has errors (warnings are fine), 1 when any
    /// has errors, 2 on bad usage or a file that cannot be read.
    Validate {
        /// Description files (.yaml, .yml, .toml, .json; other names are sniffed). `-` reads standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiagnosticFormat::Text)]
        format: DiagnosticFormat,
    },
    /// Plan the rolling upgrade of one description and print it as a checklist.
    ///
    /// Every step says what to check before and after, the interruption and
    /// the estimated minutes, and what would happen if a node failed then.
    /// Warnings about the description go to standard error.
    ///
    /// Exit status: 0 when a plan was found, 1 when the description is invalid
    /// or no safe plan exists, 2 on bad usage or an unreadable file.
    Plan {
        /// The description file (.yaml, .yml, .toml, .json; other names are sniffed), `-` for standard input, or a plan link.
        #[arg(value_name = "FILE")]
        file: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
        format: PlanFormat,
    },
    /// Print a plan link: the page address with the whole description in its fragment.
    ///
    /// The fragment never reaches a server; the link opens the same plan (same
    /// fingerprint) in the browser app, and `rollplan plan` accepts it too.
    Link {
        /// The description file, or `-` for standard input.
        #[arg(value_name = "FILE")]
        file: String,
        /// Where the rollplan page is served (any static host, any sub-path).
        #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080/")]
        base: String,
    },
    /// Turn a platform's node inventory into a description, printed as YAML.
    ///
    /// Reads `kubectl get nodes -o json` (kubernetes) or Elasticsearch's
    /// `GET _nodes` / `GET _cat/nodes?format=json&h=name,version,node.role,master`
    /// (elasticsearch). Comments in the YAML say where each value came from;
    /// what deserves a look (a node not ready, cordoned) goes to standard error.
    ///
    /// Exit status: 0 when imported, 1 when the JSON is not such an inventory, 2 on usage or an unreadable file.
    Import {
        /// The platform the inventory is from.
        #[arg(value_enum)]
        platform: ImportPlatform,
        /// The JSON file, or `-` for standard input.
        #[arg(value_name = "FILE")]
        file: String,
        /// The release to upgrade to (Kubernetes: a minor like 1.31; Elasticsearch: 8.16.0); default: the next minor.
        #[arg(long, value_name = "VERSION")]
        target: Option<String>,
    },
    /// Compare two plans (files or links): steps added, removed, moved, risks that appeared or went away.
    ///
    /// Exit status: 0 when the plans are the same, 1 when they differ or either has no plan, 2 on usage.
    Compare {
        /// The earlier description: a file, `-`, or a plan link.
        #[arg(value_name = "BEFORE")]
        before: String,
        /// The revised description: a file, `-`, or a plan link.
        #[arg(value_name = "AFTER")]
        after: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum PlanFormat {
    /// A numbered checklist for the terminal.
    Text,
    /// A checklist (`- [ ] 1. ...`) to paste into a change ticket.
    Markdown,
    /// One JSON object with the outcome, fingerprint, steps, risks and summary (docs/plan-format.md).
    Json,
    /// A script that carries out the plan's commands, for the description's
    /// `platform` (sh, or PowerShell for wsfc and exchange-2003).
    Runbook,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ImportPlatform {
    /// `kubectl get nodes -o json`.
    Kubernetes,
    /// `GET _nodes`, or `GET _cat/nodes?format=json&h=name,version,node.role,master`.
    Elasticsearch,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum DiagnosticFormat {
    /// Human-readable, like rustc: location, source line, caret, hint.
    Text,
    /// One JSON object: `files[]` each with its `diagnostics[]`.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { files, format } => validate(&files, format),
        Command::Plan { file, format } => plan(&file, format),
        Command::Link { file, base } => link(&file, &base),
        Command::Compare { before, after } => compare(&before, &after),
        Command::Import { platform, file, target } => import(platform, &file, target.as_deref()),
    }
}

fn import(platform: ImportPlatform, file: &str, target: Option<&str>) -> ExitCode {
    let input = match read_or_report(file) {
        Ok(input) => input,
        Err(code) => return code,
    };
    let kind = match platform {
        ImportPlatform::Kubernetes => rollplan_core::import::Inventory::Kubernetes,
        ImportPlatform::Elasticsearch => rollplan_core::import::Inventory::Elasticsearch,
    };
    let imported = rollplan_core::import::import(kind, &input.text, target);
    match imported {
        Ok(imported) => {
            for warning in &imported.warnings {
                eprintln!("warning: {warning}");
            }
            print!("{}", imported.description);
            ExitCode::SUCCESS
        }
        Err(error) => {
            match error.line {
                Some(line) => eprintln!("error: {}:{line}: {}", input.name, error.message),
                None => eprintln!("error: {}", error.message),
            }
            ExitCode::from(1)
        }
    }
}

/// Reads an input, or says why not and gives the exit status for unreadable input (2).
fn read_or_report(name: &str) -> Result<Input, ExitCode> {
    Input::read(name).map_err(|message| {
        eprintln!("rollplan: {message}");
        ExitCode::from(2)
    })
}

fn link(file: &str, base: &str) -> ExitCode {
    match read_or_report(file) {
        Ok(input) => {
            println!("{}", rollplan_core::link::link(base, &input.text));
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

fn compare(before: &str, after: &str) -> ExitCode {
    let mut sides = Vec::new();
    for name in [before, after] {
        let input = match read_or_report(name) {
            Ok(input) => input,
            Err(code) => return code,
        };
        let analysis = rollplan_core::analyze(&input.text, input.syntax);
        if analysis.plan().is_none() {
            eprintln!("rollplan: {} has no plan: run `rollplan plan {name}` to see why", input.name);
            return ExitCode::from(1);
        }
        sides.push(analysis);
    }
    let pair = |a: &rollplan_core::Analysis| (a.validation.cluster.clone(), a.plan().cloned());
    let ((Some(old_cluster), Some(old_plan)), (Some(new_cluster), Some(new_plan))) = (pair(&sides[0]), pair(&sides[1]))
    else {
        return ExitCode::from(1);
    };
    let comparison = rollplan_core::compare::compare((&old_cluster, &old_plan), (&new_cluster, &new_plan));
    print!("{}", rollplan_core::compare::comparison_text(&comparison));
    if comparison.is_same() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn plan(file: &str, format: PlanFormat) -> ExitCode {
    let input = match read_or_report(file) {
        Ok(input) => input,
        Err(code) => return code,
    };
    let analysis = rollplan_core::analyze(&input.text, input.syntax);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if format == PlanFormat::Json {
        let document = rollplan_core::report::Document::new(&analysis);
        let _ = writeln!(out, "{}", rollplan_core::json_text::json_text(&document));
    } else {
        // Diagnostics on standard error keep standard output a clean checklist.
        let color = render::color_wanted() && std::io::stderr().is_terminal();
        eprint!("{}", render::diagnostics_text(&input, &analysis.validation.diagnostics, color));
        match (&analysis.validation.cluster, analysis.plan(), analysis.blocked(), analysis.fingerprint.as_deref()) {
            (Some(cluster), Some(plan), _, Some(fingerprint)) => {
                let text = match format {
                    PlanFormat::Markdown => rollplan_core::report::plan_markdown(cluster, plan, fingerprint),
                    PlanFormat::Runbook => match rollplan_core::runbook::runbook(cluster, plan, fingerprint) {
                        Some(script) => script,
                        None => {
                            eprintln!(
                                "rollplan: no runbook: {} names no platform (add `platform:`, one of exchange-2003, wsfc, kubernetes, elasticsearch, mongodb)",
                                input.name
                            );
                            return ExitCode::from(2);
                        }
                    },
                    _ => rollplan_core::report::plan_text(cluster, plan, fingerprint),
                };
                let _ = write!(out, "{text}");
            }
            (Some(cluster), _, Some(reasons), _) => {
                let _ = write!(out, "{}", rollplan_core::report::blocked_text(cluster, reasons));
            }
            _ => eprintln!("rollplan: no plan: {} has errors", input.name),
        }
    }
    if analysis.plan().is_some() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn validate(files: &[String], format: DiagnosticFormat) -> ExitCode {
    let mut unreadable = false;
    let mut errors = 0;
    let mut warnings = 0;
    let mut notes = 0;
    let mut results = Vec::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for name in files {
        let Ok(input) = read_or_report(name) else {
            unreadable = true;
            continue;
        };
        let validation = rollplan_core::validate_as(&input.text, input.syntax);
        errors += validation.diagnostics.iter().filter(|d| d.severity == rollplan_core::Severity::Error).count();
        warnings += validation.diagnostics.iter().filter(|d| d.severity == rollplan_core::Severity::Warning).count();
        notes += validation.diagnostics.iter().filter(|d| d.severity == rollplan_core::Severity::Info).count();
        match format {
            DiagnosticFormat::Text => {
                let text = render::diagnostics_text(&input, &validation.diagnostics, render::color_wanted());
                let _ = write!(out, "{text}");
            }
            DiagnosticFormat::Json => results.push(render::file_json(&input, &validation)),
        }
    }
    match format {
        DiagnosticFormat::Text => {
            if !unreadable || errors + warnings + notes > 0 {
                let _ = writeln!(out, "{}", render::summary(files.len(), errors, warnings, notes));
            }
        }
        DiagnosticFormat::Json => {
            let document =
                serde_json::json!({ "files": results, "errors": errors, "warnings": warnings, "notes": notes });
            let _ = writeln!(out, "{}", rollplan_core::json_text::json_text(&document));
        }
    }
    if unreadable {
        ExitCode::from(2)
    } else if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
