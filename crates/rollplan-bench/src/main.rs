//! `cargo run --release -p rollplan-bench [-- CASE...]`: validate and plan the
//! generated clusters natively and print a table, one line per case as soon
//! as it is measured (docs/performance.md). `cargo xtask bench-wasm` runs it
//! once per case, under a time and memory limit, beside the same table in the
//! browser.
//!
//! `rollplan-bench --yaml CASE` prints the generated description instead (the
//! end-to-end bench types into it), and `rollplan-bench --list [CASE...]` the
//! cases it would measure, with their nodes and items: the xtask reads the
//! list from here rather than know the shapes itself.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Instant;

use rollplan_bench::Case;

const USAGE: &str = "\
usage: rollplan-bench [CASE...]         time validate and validate+plan of generated clusters
       rollplan-bench --list [CASE...]  print the cases (name, nodes, items), one a line
       rollplan-bench --yaml CASE       print the generated description of CASE
       rollplan-bench --import NODES    time the import of a kubectl get nodes -o json of NODES nodes

A CASE is SHAPE:NODES (2 services a node) or SHAPE:NODESxK (K services a node),
e.g. any-owner:64x20; a plain NODES is ring:NODES. Shapes: ring, any-owner,
any-owner-tight, long-owners, uneven, half-done, mixed. Without cases: $ROLLPLAN_BENCH_CASES
(comma-separated), else $ROLLPLAN_BENCH_SIZES (ring sizes), else for every shape
SHAPE:64x20, SHAPE:64, SHAPE:512 and SHAPE:4096.";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, case] = args.as_slice()
        && flag == "--yaml"
    {
        return match case.parse::<Case>() {
            Ok(case) => {
                print!("{}", case.description());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("rollplan-bench: {error}");
                usage()
            }
        };
    }
    if let [flag, nodes] = args.as_slice()
        && flag == "--import"
    {
        let Ok(nodes) = nodes.parse::<usize>() else { return usage() };
        let started = Instant::now();
        let now = || started.elapsed().as_secs_f64() * 1000.0;
        return match rollplan_bench::measure_import(nodes, now) {
            Ok((import, whole)) => {
                println!(
                    "import kubectl get nodes ({nodes} nodes, {} bytes): import {:.3} ms, import+validate+plan {:.3} ms",
                    rollplan_bench::node_list(nodes).len(),
                    import.median_ms,
                    whole.median_ms
                );
                ExitCode::SUCCESS
            }
            Err(reason) => {
                eprintln!("rollplan-bench: {reason}");
                ExitCode::FAILURE
            }
        };
    }
    let list_only = args.first().is_some_and(|flag| flag == "--list");
    if list_only {
        args.remove(0);
    }
    if args.iter().any(|arg| arg.starts_with('-')) {
        return usage();
    }
    let cases = if args.is_empty() {
        rollplan_bench::cases_from(
            std::env::var("ROLLPLAN_BENCH_CASES").ok().as_deref(),
            std::env::var("ROLLPLAN_BENCH_SIZES").ok().as_deref(),
        )
    } else {
        rollplan_bench::cases(Some(&args.join(",")))
    };
    let cases = match cases {
        Ok(cases) => cases,
        Err(error) => {
            eprintln!("rollplan-bench: {error}");
            return usage();
        }
    };
    if list_only {
        for case in cases {
            println!("{case} {} {}", case.nodes, case.items());
        }
        return ExitCode::SUCCESS;
    }
    if cfg!(debug_assertions) {
        eprintln!("rollplan-bench: warning: a debug build, its times mean nothing; run with --release");
    }
    let clock = Instant::now();
    let now = || clock.elapsed().as_secs_f64() * 1000.0;
    println!("{}", rollplan_bench::HEADER);
    let mut failed = false;
    for case in cases {
        let row = rollplan_bench::measure(case, now);
        failed |= row.plan.is_err();
        println!("{}", row.line());
        // Each line as soon as it is measured: a slow case must not hide the quick ones.
        let _ = std::io::stdout().flush();
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}
