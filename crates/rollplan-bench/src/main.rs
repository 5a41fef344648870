//! `cargo run --release -p rollplan-bench [-- SIZE...]`: validate and plan the
//! generated clusters natively and print a table, one line per size as soon as
//! it is measured (docs/performance.md). `cargo xtask bench-wasm` runs it once
//! per size, under a time and memory limit, beside the same table in the browser.
//!
//! `rollplan-bench --yaml NODES` prints the generated description instead (the
//! end-to-end bench types into it).

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
usage: rollplan-bench [SIZE...]      time validate and validate+plan of generated clusters of SIZE nodes
                                     (default: $ROLLPLAN_BENCH_SIZES, else 8,64,512,4096)
       rollplan-bench --yaml NODES   print the generated description of NODES nodes";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, nodes] = args.as_slice()
        && flag == "--yaml"
    {
        return match rollplan_bench::sizes(Some(nodes)).as_deref() {
            Ok([nodes]) => {
                print!("{}", rollplan_bench::cluster(*nodes));
                ExitCode::SUCCESS
            }
            _ => usage(),
        };
    }
    if args.iter().any(|arg| arg.starts_with('-')) {
        return usage();
    }
    let list = if args.is_empty() { std::env::var("ROLLPLAN_BENCH_SIZES").ok() } else { Some(args.join(",")) };
    let sizes = match rollplan_bench::sizes(list.as_deref()) {
        Ok(sizes) => sizes,
        Err(error) => {
            eprintln!("rollplan-bench: {error}");
            return usage();
        }
    };
    if cfg!(debug_assertions) {
        eprintln!("rollplan-bench: warning: a debug build, its times mean nothing; run with --release");
    }
    let clock = Instant::now();
    let now = || clock.elapsed().as_secs_f64() * 1000.0;
    println!("{}", rollplan_bench::HEADER);
    let mut failed = false;
    for nodes in sizes {
        let row = rollplan_bench::measure(nodes, now);
        failed |= row.plan.is_err();
        println!("{}", row.line());
        // Each line as soon as it is measured: a slow size must not hide the quick ones.
        let _ = std::io::stdout().flush();
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}
