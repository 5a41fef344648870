//! `cargo xtask bench-wasm`: how fast rollplan is, natively, as wasm in
//! headless Chromium, and as the page people use (docs/performance.md).
//!
//! A measurement, not a test: every number is printed with its budget and
//! PASS or OVER, and the command fails only when something broke (a build, the
//! browser, a crash, a generated cluster without a plan), never for being slow.
//!
//! 1. Native: `rollplan-bench SIZE` (release), one process per size, under a
//!    time limit (`ROLLPLAN_BENCH_TIMEOUT` seconds, default 120) and, where
//!    `prlimit` exists, a memory limit (`ROLLPLAN_BENCH_MEMORY_MB`, default half
//!    the RAM): a size that is too slow or too big is reported as such instead
//!    of hanging the machine. Work slower than 3 s a run is timed once.
//! 2. Wasm: the same cases and timing (crates/rollplan-bench/tests/wasm.rs),
//!    built with `--release` and run in headless Chromium by
//!    wasm-bindgen-test-runner, timed with `performance.now()`.
//! 3. Both side by side: wasm/native per size, and the growth from one size to
//!    the next against n log n of nodes plus services.
//! 4. The page: the release bundle (`cargo xtask dist`), then e2e/bench.mjs in
//!    Chromium: navigation to the rendered seed plan, and keystroke to updated
//!    plan in a 64-node description.
//!
//! Sizes: `ROLLPLAN_BENCH_SIZES` (default 8,64,512,4096).

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cmd::{Env, Result};
use crate::tools::{Browser, WASM_TARGET};

const DEFAULT_SIZES: &[usize] = &[8, 64, 512, 4096];
/// The generated clusters give each service three distinct owners.
const MIN_NODES: usize = 3;
/// Nodes plus services of a generated cluster of `n` nodes (two services per node).
const fn items(nodes: usize) -> usize {
    nodes * 3
}

// The budgets (the issue's), in milliseconds.
const BROWSER_64_MS: f64 = 5.0;
const NATIVE_4096_MS: f64 = 1000.0;
const WASM_OVER_NATIVE: f64 = 2.0;
const LOAD_MS: f64 = 300.0;
const KEYSTROKE_MS: f64 = 16.0;

const DEFAULT_TIMEOUT_SECONDS: u64 = 120;

/// One size's two medians in one environment, or why there are none.
#[derive(Debug, Clone)]
struct Measured {
    validate: Option<f64>,
    plan: std::result::Result<f64, String>,
}

type Table = BTreeMap<usize, Measured>;

pub fn run(env: &Env, browser: &Browser) -> Result<()> {
    let sizes = sizes(std::env::var("ROLLPLAN_BENCH_SIZES").ok().as_deref())?;
    let list = sizes.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
    let timeout = Duration::from_secs(
        std::env::var("ROLLPLAN_BENCH_TIMEOUT")
            .ok()
            .map(|seconds| seconds.parse().map_err(|_| format!("ROLLPLAN_BENCH_TIMEOUT={seconds:?}: not seconds")))
            .transpose()?
            .unwrap_or(DEFAULT_TIMEOUT_SECONDS),
    );
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| env.root.join("target"), PathBuf::from);
    let mut broken = Vec::new();

    crate::heading(&format!("native: validate and plan generated clusters of {list} nodes (release build)"));
    env.run("cargo", &["build", "--release", "--quiet", "-p", "rollplan-bench", "--bin", "rollplan-bench"])?;
    let bench = target.join("release").join("rollplan-bench");
    let native = native_table(env, &bench, &sizes, timeout, &mut broken);

    crate::heading(&format!("wasm in headless Chromium: the same clusters ({list} nodes), release build"));
    let wasm = wasm_table(env, browser, &list, timeout * u32::try_from(sizes.len()).unwrap_or(u32::MAX), &mut broken)?;

    crate::heading("side by side (medians, ms)");
    print_side_by_side(&sizes, &native, &wasm);

    crate::heading("the page: release bundle (cargo xtask dist)");
    crate::dist()?;
    crate::heading("the page in headless Chromium (e2e/bench.mjs)");
    let page = page_results(env, browser, &bench, &mut broken)?;

    crate::heading("budgets");
    print_budgets(&sizes, &native, &wasm, &page);
    if broken.is_empty() {
        println!("\nbench-wasm: measured; OVER marks what is over budget (a measurement, not a test: exit 0)");
        Ok(())
    } else {
        for problem in &broken {
            println!("broken: {problem}");
        }
        Err(format!("{} thing(s) broke while measuring (above)", broken.len()))
    }
}

/// The sizes to measure: a comma-separated list of node counts, or the default.
fn sizes(list: Option<&str>) -> Result<Vec<usize>> {
    let Some(list) = list.filter(|list| !list.trim().is_empty()) else {
        return Ok(DEFAULT_SIZES.to_vec());
    };
    list.split(',')
        .map(|size| match size.trim().parse::<usize>() {
            Ok(nodes) if nodes >= MIN_NODES => Ok(nodes),
            _ => Err(format!("ROLLPLAN_BENCH_SIZES={list:?}: {size:?} is not a node count of at least {MIN_NODES}")),
        })
        .collect()
}

/// A line of rollplan-bench's table: nodes, nodes+services, validate ms, then
/// validate+plan ms or `FAILED` and the reason.
fn parse_row(line: &str) -> Option<(usize, Measured)> {
    let mut fields = line.split_whitespace();
    let nodes = fields.next()?.parse().ok()?;
    let _items: usize = fields.next()?.parse().ok()?;
    let validate = fields.next()?.parse().ok()?;
    let plan = match fields.next()? {
        "FAILED" => Err(fields.collect::<Vec<_>>().join(" ")),
        plan => Ok(plan.parse().ok()?),
    };
    Some((nodes, Measured { validate: Some(validate), plan }))
}

fn failed(reason: String) -> Measured {
    Measured { validate: None, plan: Err(reason) }
}

/// Runs `rollplan-bench SIZE` for each size in a process of its own, within the limits.
fn native_table(env: &Env, bench: &Path, sizes: &[usize], timeout: Duration, broken: &mut Vec<String>) -> Table {
    let memory_mb = memory_limit_mb();
    let prlimit = env.which("prlimit");
    match (memory_mb, &prlimit) {
        (Some(mb), Some(_)) => println!("limits per size: {} s, {mb} MiB of memory (prlimit --as)", timeout.as_secs()),
        _ => println!("limits per size: {} s (no memory limit: prlimit or /proc/meminfo missing)", timeout.as_secs()),
    }
    println!("{HEADER}");
    let mut table = Table::new();
    for &nodes in sizes {
        let mut command = match (memory_mb, &prlimit) {
            (Some(mb), Some(prlimit)) => {
                let mut command = env.command(prlimit);
                command.arg(format!("--as={}", mb * 1024 * 1024)).arg("--").arg(bench);
                command
            }
            _ => env.command(bench),
        };
        command.arg(nodes.to_string());
        let measured = match run_limited(&mut command, timeout) {
            Err(error) => failed(error),
            Ok(Outcome::TimedOut { stdout }) => stdout.lines().find_map(parse_row).map_or_else(
                || failed(format!("TIMEOUT: over {} s (ROLLPLAN_BENCH_TIMEOUT)", timeout.as_secs())),
                |r| r.1,
            ),
            Ok(Outcome::Exited { status, stdout, stderr }) => match stdout.lines().find_map(parse_row) {
                Some((_, measured)) => measured,
                None if stderr.contains("memory allocation of") => {
                    failed(format!("OUT OF MEMORY: over {} MiB (ROLLPLAN_BENCH_MEMORY_MB)", memory_mb.unwrap_or(0)))
                }
                None => failed(format!(
                    "CRASHED ({status}): {}",
                    stderr.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or("no message")
                )),
            },
        };
        match &measured.plan {
            Ok(_) => println!("{}", row_line(nodes, &measured)),
            Err(reason) => {
                println!("{}", row_line(nodes, &measured));
                if !reason.starts_with("TIMEOUT") && !reason.starts_with("OUT OF MEMORY") {
                    broken.push(format!("native, {nodes} nodes: {reason}"));
                }
            }
        }
        table.insert(nodes, measured);
    }
    table
}

const HEADER: &str = "   nodes  nodes+services   validate ms  validate+plan ms";

fn row_line(nodes: usize, measured: &Measured) -> String {
    let validate = measured.validate.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.3}"));
    let plan = match &measured.plan {
        Ok(ms) => format!("{ms:.3}"),
        Err(reason) => format!("FAILED  {reason}"),
    };
    format!("{nodes:>8}  {:>14}  {validate:>12}  {plan:>16}", items(nodes))
}

/// Half the machine's memory, or `ROLLPLAN_BENCH_MEMORY_MB`.
fn memory_limit_mb() -> Option<u64> {
    if let Some(mb) = std::env::var("ROLLPLAN_BENCH_MEMORY_MB").ok().and_then(|mb| mb.parse().ok()) {
        return Some(mb);
    }
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kb: u64 = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024 / 2)
}

enum Outcome {
    Exited { status: std::process::ExitStatus, stdout: String, stderr: String },
    TimedOut { stdout: String },
}

/// Runs a command with its output captured, killing it after `timeout`.
fn run_limited(command: &mut Command, timeout: Duration) -> Result<Outcome> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("could not start {}: {error}", command.get_program().to_string_lossy()))?;
    let read = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = read(child.stdout.take().map(|pipe| Box::new(pipe) as Box<dyn std::io::Read + Send>));
    let stderr = read(child.stderr.take().map(|pipe| Box::new(pipe) as Box<dyn std::io::Read + Send>));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|error| format!("waiting for a child: {error}"))? {
            break Some(status);
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok(match status {
        Some(status) => Outcome::Exited { status, stdout, stderr },
        None => Outcome::TimedOut { stdout },
    })
}

/// Builds and runs tests/wasm.rs in headless Chromium; its output is shown as it comes and read.
fn wasm_table(env: &Env, browser: &Browser, list: &str, timeout: Duration, broken: &mut Vec<String>) -> Result<Table> {
    let test = |extra: &[&str]| {
        let mut command = env.command("cargo");
        command
            .args(["test", "--release", "-p", "rollplan-bench", "--target", WASM_TARGET, "--test", "wasm"])
            .args(extra)
            // Read when the test is compiled: the browser has no environment.
            .env("ROLLPLAN_BENCH_SIZES", list)
            .env("CHROMEDRIVER", &browser.chromedriver)
            .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", env.root.join("crates/rollplan-web/webdriver.json"))
            .env("WASM_BINDGEN_TEST_TIMEOUT", (timeout.as_secs() + 60).to_string());
        command
    };
    crate::cmd::run(&mut test(&["--no-run"]))?;
    let mut command = test(&["--", "--nocapture"]);
    println!("$ cargo test --release -p rollplan-bench --target {WASM_TARGET} --test wasm -- --nocapture");
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|error| format!("could not start cargo test for the wasm bench: {error}"))?;
    let mut table = Table::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(std::result::Result::ok) {
            println!("{line}");
            if let Some((nodes, measured)) = parse_row(&line) {
                table.insert(nodes, measured);
            }
        }
    }
    let status = child.wait().map_err(|error| format!("waiting for cargo test: {error}"))?;
    let missing: Vec<usize> = sizes(Some(list))?.into_iter().filter(|nodes| !table.contains_key(nodes)).collect();
    if !status.success() {
        println!("the wasm bench stopped ({status}); sizes without a line failed or ran out of time (output above)");
    }
    for nodes in &missing {
        table.insert(
            *nodes,
            failed(format!("no result from the browser (failed, out of memory or over {} s)", timeout.as_secs())),
        );
    }
    if table.values().all(|measured| measured.plan.is_err()) {
        broken.push("wasm: no size was measured in the browser".to_owned());
    }
    for (nodes, measured) in &table {
        if let Err(reason) = &measured.plan
            && !missing.contains(nodes)
        {
            broken.push(format!("wasm, {nodes} nodes: {reason}"));
        }
    }
    Ok(table)
}

fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.3}"))
}

fn ms2(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.2}"))
}

fn ratio(over: Option<f64>, under: Option<f64>) -> Option<f64> {
    match (over, under) {
        (Some(over), Some(under)) if under > 0.0 => Some(over / under),
        _ => None,
    }
}

fn times(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |ratio| format!("{ratio:.2}x"))
}

fn plan_ms(table: &Table, nodes: usize) -> Option<f64> {
    table.get(&nodes).and_then(|measured| measured.plan.as_ref().ok().copied())
}

fn validate_ms(table: &Table, nodes: usize) -> Option<f64> {
    table.get(&nodes).and_then(|measured| measured.validate)
}

/// How much n log n grows from `from` to `to` nodes (n: nodes plus services).
fn n_log_n_growth(from: usize, to: usize) -> f64 {
    let n_log_n = |nodes: usize| {
        let n = f64::from(u32::try_from(items(nodes)).unwrap_or(u32::MAX));
        n * n.ln()
    };
    n_log_n(to) / n_log_n(from)
}

fn print_side_by_side(sizes: &[usize], native: &Table, wasm: &Table) {
    println!("{:>8}  {:>8}  {:>31}  {:>37}", "", "", "validate", "validate + plan");
    println!(
        "{:>8}  {:>8}  {:>9} {:>9} {:>11}  {:>11} {:>11} {:>13}",
        "nodes", "n+s", "native", "wasm", "wasm/native", "native", "wasm", "wasm/native"
    );
    for &nodes in sizes {
        let (nv, wv) = (validate_ms(native, nodes), validate_ms(wasm, nodes));
        let (np, wp) = (plan_ms(native, nodes), plan_ms(wasm, nodes));
        println!(
            "{nodes:>8}  {:>8}  {:>9} {:>9} {:>11}  {:>11} {:>11} {:>13}",
            items(nodes),
            ms(nv),
            ms(wv),
            times(ratio(wv, nv)),
            ms(np),
            ms(wp),
            times(ratio(wp, np))
        );
    }
    for (environment, table) in [("native", native), ("wasm", wasm)] {
        for (nodes, measured) in table {
            if let Err(reason) = &measured.plan {
                println!("{environment}, {nodes} nodes: {reason}");
            }
        }
    }
    println!("\ngrowth from one size to the next (time ratio), against n log n of nodes+services:");
    println!(
        "{:>13}  {:>9}  {:>9} {:>9}  {:>11} {:>11}",
        "nodes", "n log n", "validate", "(wasm)", "valid.+plan", "(wasm)"
    );
    for pair in sizes.windows(2) {
        let [from, to] = [pair[0], pair[1]];
        let growth =
            |value: fn(&Table, usize) -> Option<f64>, table: &Table| ratio(value(table, to), value(table, from));
        println!(
            "{:>13}  {:>9}  {:>9} {:>9}  {:>11} {:>11}",
            format!("{from} → {to}"),
            format!("{:.1}x", n_log_n_growth(from, to)),
            times(growth(validate_ms, native)),
            times(growth(validate_ms, wasm)),
            times(growth(plan_ms, native)),
            times(growth(plan_ms, wasm)),
        );
    }
}

/// What e2e/bench.mjs printed as `result NAME VALUE` lines.
type PageResults = BTreeMap<String, f64>;

fn page_results(env: &Env, browser: &Browser, bench: &Path, broken: &mut Vec<String>) -> Result<PageResults> {
    let mut command = env.command("node");
    command
        .arg("e2e/bench.mjs")
        .env("CHROMIUM", &browser.chromium)
        .env("ROLLPLAN_BENCH_BIN", bench)
        .stdout(Stdio::piped());
    println!("$ node e2e/bench.mjs");
    let mut child = command.spawn().map_err(|error| format!("could not start node e2e/bench.mjs: {error}"))?;
    let mut results = PageResults::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(std::result::Result::ok) {
            println!("{line}");
            let mut fields = line.split_whitespace();
            if let (Some("result"), Some(name), Some(value)) = (fields.next(), fields.next(), fields.next())
                && let Ok(value) = value.parse()
            {
                results.insert(name.to_owned(), value);
            }
        }
    }
    let status = child.wait().map_err(|error| format!("waiting for node: {error}"))?;
    if !status.success() {
        broken.push(format!("e2e/bench.mjs failed ({status}): see its output above"));
    }
    Ok(results)
}

fn verdict(value: f64, limit: f64) -> &'static str {
    if value < limit { "PASS" } else { "OVER" }
}

fn budget(what: &str, value: Option<f64>, limit: f64, unit: &str, missing: &str) {
    match value {
        Some(value) => {
            println!("{what:<56} {value:>9.2} {unit:<2} < {limit:>6.1} {unit:<2}  {}", verdict(value, limit));
        }
        None => println!("{what:<56} {missing}"),
    }
}

/// The parts of a keystroke's time, from e2e/bench.mjs's `PREFIX_…_ms` results.
fn parts(result: &impl Fn(&str) -> Option<f64>, prefix: &str) {
    if let Some(wait) = result(&format!("{prefix}_wait_ms")) {
        println!(
            "  of which (medians): waiting {wait:.2} ms (debounce), analysis {} ms, render {} ms, paint {} ms",
            ms2(result(&format!("{prefix}_analyze_ms"))),
            ms2(result(&format!("{prefix}_render_ms"))),
            ms2(result(&format!("{prefix}_paint_ms")))
        );
    }
}

fn print_budgets(sizes: &[usize], native: &Table, wasm: &Table, page: &PageResults) {
    let not_asked = |nodes: usize| {
        if sizes.contains(&nodes) {
            "no figure (FAILED above)".to_owned()
        } else {
            format!("not measured (ROLLPLAN_BENCH_SIZES has no {nodes})")
        }
    };
    budget("64-node validate+plan in the browser (wasm)", plan_ms(wasm, 64), BROWSER_64_MS, "ms", &not_asked(64));
    budget(
        "64-node analysis in the page (web bundle, median)",
        page.get("keystroke_analyze_ms").copied(),
        BROWSER_64_MS,
        "ms",
        "no figure (e2e/bench.mjs FAILED above)",
    );
    budget("4,096-node validate+plan natively", plan_ms(native, 4096), NATIVE_4096_MS, "ms", &not_asked(4096));
    for &nodes in sizes {
        for (what, value) in [("validate", validate_ms as fn(&Table, usize) -> Option<f64>), ("validate+plan", plan_ms)]
        {
            budget(
                &format!("wasm/native, {what}, {nodes} nodes"),
                ratio(value(wasm, nodes), value(native, nodes)),
                WASM_OVER_NATIVE,
                "x",
                "no figure (FAILED above)",
            );
        }
    }
    for pair in sizes.windows(2) {
        let [from, to] = [pair[0], pair[1]];
        let bound = n_log_n_growth(from, to);
        for (what, value) in [("validate", validate_ms as fn(&Table, usize) -> Option<f64>), ("validate+plan", plan_ms)]
        {
            budget(
                &format!("growth {from} → {to} nodes, {what}, native"),
                ratio(value(native, to), value(native, from)),
                bound,
                "x",
                "no figure (FAILED above)",
            );
        }
    }
    let result = |name: &str| page.get(name).copied();
    budget(
        "page: navigation to rendered seed plan (median)",
        result("load_painted_ms"),
        LOAD_MS,
        "ms",
        "no figure (FAILED above)",
    );
    budget(
        "page: keystroke to updated plan, 64 nodes (median)",
        result("keystroke_median_ms"),
        KEYSTROKE_MS,
        "ms",
        "no figure (FAILED above)",
    );
    budget(
        "page: keystroke to updated plan, 64 nodes (slowest)",
        result("keystroke_max_ms"),
        KEYSTROKE_MS,
        "ms",
        "no figure (FAILED above)",
    );
    parts(&result, "keystroke");
    budget(
        "page: keystroke to updated plan, the seed (reference, median)",
        result("seed_keystroke_median_ms"),
        KEYSTROKE_MS,
        "ms",
        "no figure (FAILED above)",
    );
    parts(&result, "seed_keystroke");
    // No budget: how long ticking a step takes with a 24-row timeline on the page.
    if let Some(median) = result("tick_median_ms") {
        println!(
            "page: tick to painted page, 24 nodes (reference, no budget): median {median:.2} ms, slowest {} ms",
            ms2(result("tick_max_ms"))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{n_log_n_growth, parse_row, sizes};

    #[test]
    fn reads_rollplan_bench_lines() {
        let (nodes, row) = parse_row("      64             192         1.108            11.348  25x5, 25x1").unwrap();
        assert_eq!((nodes, row.validate, row.plan), (64, Some(1.108), Ok(11.348)));
        let (_, row) = parse_row("  4096  12288  90.5  FAILED  no plan: search-budget").unwrap();
        assert_eq!(row.plan, Err("no plan: search-budget".to_owned()));
        assert!(parse_row("   nodes  nodes+services   validate ms  validate+plan ms").is_none());
        assert!(parse_row("running 1 test").is_none());
    }

    #[test]
    fn sizes_from_the_environment() {
        assert_eq!(sizes(None).unwrap(), [8, 64, 512, 4096]);
        assert_eq!(sizes(Some("8, 64")).unwrap(), [8, 64]);
        assert!(sizes(Some("8,,64")).is_err());
        assert!(sizes(Some("1")).is_err());
    }

    #[test]
    fn n_log_n_grows_a_little_faster_than_n() {
        let growth = n_log_n_growth(64, 512);
        assert!(growth > 8.0 && growth < 12.0, "{growth}");
    }
}
