//! `cargo xtask bench-wasm`: how fast rollplan is, natively, as wasm in
//! headless Chromium, and as the page people use (docs/performance.md).
//!
//! A measurement, not a test: every number is printed with its budget and
//! PASS or OVER, and the command fails only when something broke (a build, the
//! browser, a crash, a generated cluster without a plan), never for being slow.
//!
//! 1. Native: `rollplan-bench CASE` (the release profile, as the CLI ships), one process per case, under a
//!    time limit (`ROLLPLAN_BENCH_TIMEOUT` seconds, default 120) and, where
//!    `prlimit` exists, a memory limit (`ROLLPLAN_BENCH_MEMORY_MB`, default half
//!    the RAM): a case that is too slow or too big is reported as such instead
//!    of hanging the machine. Work slower than 3 s a run is timed once.
//! 2. Wasm: the same cases and timing (crates/rollplan-bench/tests/wasm.rs),
//!    built with `--profile web` (opt-level "z", the profile the page ships:
//!    `--release` measured it up to 45% faster than the page runs) and run in headless Chromium by
//!    wasm-bindgen-test-runner, timed with `performance.now()`.
//! 3. Both side by side: wasm/native per case, and per shape the growth from
//!    one node count to the next (2 services a node) against n log n of items
//!    (nodes, services and owner entries written).
//! 4. The page: the release bundle (`cargo xtask dist`), then e2e/bench.mjs in
//!    Chromium: navigation to the rendered seed plan, and keystroke to updated
//!    plan in a 64-node description.
//!
//! Cases: `ROLLPLAN_BENCH_CASES` (e.g. `any-owner:64x20,ring:512`), else the
//! ring sizes of `ROLLPLAN_BENCH_SIZES`, else every shape at 64x20, 64, 512
//! and 4096. `rollplan-bench --list` resolves them, so that the shapes, their
//! names and their items are known in one place.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cmd::{Env, Result};
use crate::tools::{Browser, WASM_TARGET};

// The budgets (the issue's), in milliseconds.
/// The 64-node ring (2 services a node) in the browser.
const BROWSER_RING_64_MS: f64 = 5.0;
/// Every shape's 64 nodes of 20 services each: one frame in the browser...
const BROWSER_MANY_SERVICES_MS: f64 = 16.0;
/// ...and half of it natively.
const NATIVE_MANY_SERVICES_MS: f64 = 8.0;
/// Every shape's 4,096 nodes natively.
const NATIVE_4096_MS: f64 = 1000.0;
const WASM_OVER_NATIVE: f64 = 2.0;
const LOAD_MS: f64 = 300.0;
const KEYSTROKE_MS: f64 = 16.0;
/// No main-thread task longer than this while a large description is pasted, typed into or analysed
/// (the Long Tasks API's threshold: a longer task is one the user can feel).
const LONG_TASK_MS: f64 = 50.0;
/// A keystroke reaches the screen within one frame at 60 Hz, whatever the description's size.
const FRAME_MS: f64 = 16.7;

/// The services a node of a case hosts when its name does not say (`ring:64`).
const DEFAULT_PER_NODE: usize = 2;

const DEFAULT_TIMEOUT_SECONDS: u64 = 120;

/// A case as `rollplan-bench --list` prints it: its name, nodes and items;
/// the shape and K are read from the name (`SHAPE:NODES`, `SHAPE:NODESxK`, each maybe with `/M`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Case {
    name: String,
    shape: String,
    nodes: usize,
    per_node: usize,
    items: usize,
}

/// The shape, node count and K of a case's name (`SHAPE:NODESxK/M`: the
/// `/M` of waves says nothing of the size, so it is dropped here).
fn parse_name(name: &str) -> Option<(&str, usize, usize)> {
    let (shape, size) = name.split_once(':')?;
    let size = size.split_once('/').map_or(size, |(size, _)| size);
    let (nodes, per_node) = match size.split_once('x') {
        Some((nodes, per_node)) => (nodes, per_node.parse().ok()?),
        None => (size, DEFAULT_PER_NODE),
    };
    Some((shape, nodes.parse().ok()?, per_node))
}

/// A line of `rollplan-bench --list`: case, nodes, items.
fn parse_case(line: &str) -> Option<Case> {
    let mut fields = line.split_whitespace();
    let name = fields.next()?;
    let (shape, nodes, per_node) = parse_name(name)?;
    let listed_nodes: usize = fields.next()?.parse().ok()?;
    let items = fields.next()?.parse().ok()?;
    // Waves (`/M`) are a shape of their own for the growth: `ring/8: 64 → 512`.
    let shape = match name.split_once('/') {
        Some((_, max_down)) => format!("{shape}/{max_down}"),
        None => shape.to_owned(),
    };
    (listed_nodes == nodes).then(|| Case { name: name.to_owned(), shape, nodes, per_node, items })
}

/// One case's two medians in one environment, or why there are none.
#[derive(Debug, Clone)]
struct Measured {
    validate: Option<f64>,
    plan: std::result::Result<f64, String>,
}

/// Measurements by case name.
type Table = BTreeMap<String, Measured>;

pub fn run(env: &Env, browser: &Browser) -> Result<()> {
    let timeout = Duration::from_secs(
        std::env::var("ROLLPLAN_BENCH_TIMEOUT")
            .ok()
            .map(|seconds| seconds.parse().map_err(|_| format!("ROLLPLAN_BENCH_TIMEOUT={seconds:?}: not seconds")))
            .transpose()?
            .unwrap_or(DEFAULT_TIMEOUT_SECONDS),
    );
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| env.root.join("target"), PathBuf::from);
    let mut broken = Vec::new();

    crate::heading("native: validate and plan generated clusters (release build)");
    env.run("cargo", &["build", "--release", "--quiet", "-p", "rollplan-bench", "--bin", "rollplan-bench"])?;
    let bench = target.join("release").join("rollplan-bench");
    let cases = list_cases(env, &bench)?;
    let list = cases.iter().map(|case| case.name.as_str()).collect::<Vec<_>>().join(",");
    println!("cases: {list}");
    let native = native_table(env, &bench, &cases, timeout, &mut broken);

    crate::heading("wasm in headless Chromium: the same cases, the page's build (--profile web)");
    let wasm = wasm_table(env, browser, &cases, timeout * u32::try_from(cases.len()).unwrap_or(u32::MAX), &mut broken)?;

    crate::heading("side by side (medians, ms)");
    print_side_by_side(&cases, &native, &wasm);

    crate::heading("the page: release bundle (cargo xtask dist)");
    crate::dist()?;
    crate::heading("the page in headless Chromium (e2e/bench.mjs)");
    let page = page_results(env, browser, &bench, &mut broken)?;

    crate::heading("budgets");
    print_budgets(&cases, &native, &wasm, &page);
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

/// The cases to measure, as `rollplan-bench --list` resolves them from
/// `ROLLPLAN_BENCH_CASES` or `ROLLPLAN_BENCH_SIZES` (inherited) or its default.
fn list_cases(env: &Env, bench: &Path) -> Result<Vec<Case>> {
    let output = env
        .command(bench)
        .arg("--list")
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("could not start {}: {error}", bench.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("rollplan-bench --list: {}", stderr.lines().next().unwrap_or("failed")));
    }
    let cases: Vec<Case> = stdout.lines().filter_map(parse_case).collect();
    if cases.is_empty() {
        return Err(format!("rollplan-bench --list printed no case: {stdout:?}"));
    }
    Ok(cases)
}

/// A line of rollplan-bench's table: case, nodes, items, validate ms, then
/// validate+plan ms or `FAILED` and the reason.
fn parse_row(line: &str) -> Option<(String, Measured)> {
    let mut fields = line.split_whitespace();
    let name = fields.next()?;
    parse_name(name)?;
    let _nodes: usize = fields.next()?.parse().ok()?;
    let _items: usize = fields.next()?.parse().ok()?;
    let validate = fields.next()?.parse().ok()?;
    let plan = match fields.next()? {
        "FAILED" => Err(fields.collect::<Vec<_>>().join(" ")),
        plan => Ok(plan.parse().ok()?),
    };
    Some((name.to_owned(), Measured { validate: Some(validate), plan }))
}

fn failed(reason: String) -> Measured {
    Measured { validate: None, plan: Err(reason) }
}

/// Runs `rollplan-bench CASE` for each case in a process of its own, within the limits.
fn native_table(env: &Env, bench: &Path, cases: &[Case], timeout: Duration, broken: &mut Vec<String>) -> Table {
    let memory_mb = memory_limit_mb();
    let prlimit = env.which("prlimit");
    match (memory_mb, &prlimit) {
        (Some(mb), Some(_)) => println!("limits per case: {} s, {mb} MiB of memory (prlimit --as)", timeout.as_secs()),
        _ => println!("limits per case: {} s (no memory limit: prlimit or /proc/meminfo missing)", timeout.as_secs()),
    }
    println!("{HEADER}");
    let mut table = Table::new();
    for case in cases {
        let mut command = match (memory_mb, &prlimit) {
            (Some(mb), Some(prlimit)) => {
                let mut command = env.command(prlimit);
                command.arg(format!("--as={}", mb * 1024 * 1024)).arg("--").arg(bench);
                command
            }
            _ => env.command(bench),
        };
        command.arg(&case.name);
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
        println!("{}", row_line(case, &measured));
        if let Err(reason) = &measured.plan
            && !reason.starts_with("TIMEOUT")
            && !reason.starts_with("OUT OF MEMORY")
        {
            broken.push(format!("native, {}: {reason}", case.name));
        }
        table.insert(case.name.clone(), measured);
    }
    table
}

const HEADER: &str = "case                     nodes     items   validate ms  validate+plan ms";

fn row_line(case: &Case, measured: &Measured) -> String {
    let validate = measured.validate.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.3}"));
    let plan = match &measured.plan {
        Ok(ms) => format!("{ms:.3}"),
        Err(reason) => format!("FAILED  {reason}"),
    };
    format!("{:<22}  {:>5}  {:>8}  {validate:>12}  {plan:>16}", case.name, case.nodes, case.items)
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
///
/// A case that takes the browser down (wasm32 runs out of its 4 GiB, say)
/// ends the run: it is the first case without a line, and it is marked as
/// failed; the cases after it get a run of their own, so one case that
/// cannot be measured does not cost the figures of the others.
fn wasm_table(
    env: &Env,
    browser: &Browser,
    cases: &[Case],
    timeout: Duration,
    broken: &mut Vec<String>,
) -> Result<Table> {
    let mut table = Table::new();
    // Cases without a line are measurements (out of memory, out of time), not breakage.
    let mut unmeasured: Vec<String> = Vec::new();
    let mut pending: Vec<&Case> = cases.iter().collect();
    while !pending.is_empty() {
        let status = wasm_run(env, browser, &pending, timeout, &mut table)?;
        let missing: Vec<&Case> = pending.iter().copied().filter(|case| !table.contains_key(&case.name)).collect();
        let Some((stopped_at, rest)) = missing.split_first() else { break };
        if status.success() {
            // Finished without a line for them: nothing a rerun would change.
            for case in &missing {
                table.insert(case.name.clone(), failed("no result from the browser".to_owned()));
                unmeasured.push(case.name.clone());
            }
            break;
        }
        println!(
            "the wasm bench stopped ({status}) during {}: it failed, ran out of memory or took over {} s \
             (output above); {} cases left to measure",
            stopped_at.name,
            timeout.as_secs(),
            rest.len()
        );
        table.insert(
            stopped_at.name.clone(),
            failed(format!(
                "the browser stopped during this case (failed, out of memory or over {} s)",
                timeout.as_secs()
            )),
        );
        unmeasured.push(stopped_at.name.clone());
        pending = rest.to_vec();
    }
    if table.values().all(|measured| measured.plan.is_err()) {
        broken.push("wasm: no case was measured in the browser".to_owned());
    }
    for (name, measured) in &table {
        if let Err(reason) = &measured.plan
            && !unmeasured.contains(name)
        {
            broken.push(format!("wasm, {name}: {reason}"));
        }
    }
    Ok(table)
}

/// One run of the wasm bench over `cases`; the lines it prints go into `table`.
fn wasm_run(
    env: &Env,
    browser: &Browser,
    cases: &[&Case],
    timeout: Duration,
    table: &mut Table,
) -> Result<std::process::ExitStatus> {
    let list = cases.iter().map(|case| case.name.as_str()).collect::<Vec<_>>().join(",");
    let test = |extra: &[&str]| {
        let mut command = env.command("cargo");
        command
            .args(["test", "--profile", "web", "-p", "rollplan-bench", "--target", WASM_TARGET, "--test", "wasm"])
            .args(extra)
            // Read when the test is compiled: the browser has no environment.
            .env("ROLLPLAN_BENCH_CASES", &list)
            .env("CHROMEDRIVER", &browser.chromedriver)
            .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", env.root.join("crates/rollplan-web/webdriver.json"))
            .env("WASM_BINDGEN_TEST_TIMEOUT", (timeout.as_secs() + 60).to_string());
        command
    };
    crate::cmd::run(&mut test(&["--no-run"]))?;
    let mut command = test(&["--", "--nocapture"]);
    println!(
        "$ ROLLPLAN_BENCH_CASES={list} cargo test --profile web -p rollplan-bench --target {WASM_TARGET} --test wasm -- --nocapture"
    );
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|error| format!("could not start cargo test for the wasm bench: {error}"))?;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(std::result::Result::ok) {
            println!("{line}");
            if let Some((name, measured)) = parse_row(&line) {
                table.insert(name, measured);
            }
        }
    }
    child.wait().map_err(|error| format!("waiting for cargo test: {error}"))
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

fn plan_ms(table: &Table, case: &str) -> Option<f64> {
    table.get(case).and_then(|measured| measured.plan.as_ref().ok().copied())
}

fn validate_ms(table: &Table, case: &str) -> Option<f64> {
    table.get(case).and_then(|measured| measured.validate)
}

/// Reads one of a case's medians from a table.
type Median = fn(&Table, &str) -> Option<f64>;

/// The two medians of a row, by name, for the loops that do the same to both.
const MEASURES: [(&str, Median); 2] = [("validate", validate_ms), ("validate+plan", plan_ms)];

/// How much n log n grows from `from` to `to` items.
fn n_log_n_growth(from: usize, to: usize) -> f64 {
    let n_log_n = |items: usize| {
        let n = f64::from(u32::try_from(items).unwrap_or(u32::MAX));
        n * n.ln()
    };
    n_log_n(to) / n_log_n(from)
}

/// The shapes among the cases, in the order they first appear.
fn shapes(cases: &[Case]) -> Vec<&str> {
    let mut shapes: Vec<&str> = Vec::new();
    for case in cases {
        if !shapes.contains(&case.shape.as_str()) {
            shapes.push(&case.shape);
        }
    }
    shapes
}

/// Per shape, its successive node counts at 2 services a node (64 → 512,
/// 512 → 4096): how the time grows with the cluster, K held still.
fn growth_pairs(cases: &[Case]) -> Vec<(&Case, &Case)> {
    let mut pairs = Vec::new();
    for shape in shapes(cases) {
        let mut sizes: Vec<&Case> =
            cases.iter().filter(|case| case.shape == shape && case.per_node == DEFAULT_PER_NODE).collect();
        sizes.sort_by_key(|case| case.nodes);
        sizes.dedup_by_key(|case| case.nodes);
        pairs.extend(sizes.windows(2).map(|pair| (pair[0], pair[1])));
    }
    pairs
}

/// A growth's name: `any-owner: 512 → 4096`.
fn growth_name(from: &Case, to: &Case) -> String {
    format!("{}: {} → {}", from.shape, from.nodes, to.nodes)
}

fn print_side_by_side(cases: &[Case], native: &Table, wasm: &Table) {
    println!("{:<22}  {:>8}  {:>31}  {:>37}", "", "", "validate", "validate + plan");
    println!(
        "{:<22}  {:>8}  {:>9} {:>9} {:>11}  {:>11} {:>11} {:>13}",
        "case", "items", "native", "wasm", "wasm/native", "native", "wasm", "wasm/native"
    );
    for case in cases {
        let name = case.name.as_str();
        let (nv, wv) = (validate_ms(native, name), validate_ms(wasm, name));
        let (np, wp) = (plan_ms(native, name), plan_ms(wasm, name));
        println!(
            "{name:<22}  {:>8}  {:>9} {:>9} {:>11}  {:>11} {:>11} {:>13}",
            case.items,
            ms(nv),
            ms(wv),
            times(ratio(wv, nv)),
            ms(np),
            ms(wp),
            times(ratio(wp, np))
        );
    }
    for (environment, table) in [("native", native), ("wasm", wasm)] {
        for (name, measured) in table {
            if let Err(reason) = &measured.plan {
                println!("{environment}, {name}: {reason}");
            }
        }
    }
    println!("\ngrowth per shape from one node count to the next (time ratio), against n log n of items:");
    println!(
        "{:<26}  {:>9}  {:>9} {:>9}  {:>11} {:>11}",
        "shape: nodes", "n log n", "validate", "(wasm)", "valid.+plan", "(wasm)"
    );
    for (from, to) in growth_pairs(cases) {
        let growth = |value: Median, table: &Table| ratio(value(table, &to.name), value(table, &from.name));
        println!(
            "{:<26}  {:>9}  {:>9} {:>9}  {:>11} {:>11}",
            growth_name(from, to),
            format!("{:.1}x", n_log_n_growth(from.items, to.items)),
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
            println!("{what:<62} {value:>9.2} {unit:<2} < {limit:>6.1} {unit:<2}  {}", verdict(value, limit));
        }
        None => println!("{what:<62} {missing}"),
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

fn print_budgets(cases: &[Case], native: &Table, wasm: &Table, page: &PageResults) {
    let not_asked = |name: &str| {
        if cases.iter().any(|case| case.name == name) {
            "no figure (FAILED above)".to_owned()
        } else {
            format!("not measured (no {name} among the cases)")
        }
    };
    budget(
        "ring:64 validate+plan in the browser (wasm)",
        plan_ms(wasm, "ring:64"),
        BROWSER_RING_64_MS,
        "ms",
        &not_asked("ring:64"),
    );
    budget(
        "64-node analysis in the page (web bundle, median)",
        page.get("keystroke_analyze_ms").copied(),
        BROWSER_RING_64_MS,
        "ms",
        "no figure (e2e/bench.mjs FAILED above)",
    );
    for shape in shapes(cases) {
        let many = format!("{shape}:64x20");
        budget(
            &format!("{many} validate+plan in the browser (wasm)"),
            plan_ms(wasm, &many),
            BROWSER_MANY_SERVICES_MS,
            "ms",
            &not_asked(&many),
        );
        budget(
            &format!("{many} validate+plan natively"),
            plan_ms(native, &many),
            NATIVE_MANY_SERVICES_MS,
            "ms",
            &not_asked(&many),
        );
        let big = format!("{shape}:4096");
        budget(&format!("{big} validate+plan natively"), plan_ms(native, &big), NATIVE_4096_MS, "ms", &not_asked(&big));
    }
    for case in cases {
        for (what, value) in MEASURES {
            budget(
                &format!("wasm/native, {what}, {}", case.name),
                ratio(value(wasm, &case.name), value(native, &case.name)),
                WASM_OVER_NATIVE,
                "x",
                "no figure (FAILED above)",
            );
        }
    }
    for (from, to) in growth_pairs(cases) {
        let bound = n_log_n_growth(from.items, to.items);
        for (what, value) in MEASURES {
            budget(
                &format!("growth {}, {what}, native", growth_name(from, to)),
                ratio(value(native, &to.name), value(native, &from.name)),
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
    for (key, what) in [("paste_64x20", "long-owners:64x20"), ("paste_1000", "any-owner:1000")] {
        for (measure, label, limit) in [
            ("longest_task_ms", "longest main-thread task while pasted and analysed", LONG_TASK_MS),
            ("typing_longest_task_ms", "longest main-thread task while typed into", LONG_TASK_MS),
            ("echo_max_ms", "keystroke to the frame that draws it (slowest)", FRAME_MS),
        ] {
            budget(
                &format!("page: {what}, {label}"),
                result(&format!("{key}_{measure}")),
                limit,
                "ms",
                "no figure (FAILED above)",
            );
        }
    }
    // The page's budget holds for node inventory too: the worker reads it,
    // but a text of megabytes costs the browser's textarea time of its own.
    for (measure, label) in [
        ("paste", "pasted"),
        ("offer", "until the offer to convert shows"),
        ("convert", "converted, until its plan shows"),
    ] {
        budget(
            &format!("page: kubectl node list of 500 nodes, longest main-thread task while {label}"),
            result(&format!("inventory_{measure}_longest_task_ms")),
            LONG_TASK_MS,
            "ms",
            "no figure (FAILED above)",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{Case, growth_pairs, n_log_n_growth, parse_case, parse_name, parse_row};

    #[test]
    fn reads_rollplan_bench_lines() {
        let (name, row) =
            parse_row("any-owner:64x20            64      1344         1.108            11.348  25x5, 25x1").unwrap();
        assert_eq!((name.as_str(), row.validate, row.plan), ("any-owner:64x20", Some(1.108), Ok(11.348)));
        let (name, row) = parse_row("ring:4096  4096  28672  90.5  FAILED  no plan: search-budget").unwrap();
        assert_eq!(name, "ring:4096");
        assert_eq!(row.plan, Err("no plan: search-budget".to_owned()));
        assert!(parse_row("case                     nodes     items   validate ms  validate+plan ms").is_none());
        assert!(parse_row("running 1 test").is_none());
        assert!(parse_row("      64             192         1.108            11.348  25x5, 25x1").is_none());
    }

    #[test]
    fn reads_case_names_and_the_list() {
        assert_eq!(parse_name("any-owner-tight:64x20"), Some(("any-owner-tight", 64, 20)));
        assert_eq!(parse_name("ring:512"), Some(("ring", 512, 2)));
        assert_eq!(parse_name("replicated:64x3/8"), Some(("replicated", 64, 3)));
        assert_eq!(parse_case("ring:512/8 512 2048").map(|case| case.shape), Some("ring/8".to_owned()));
        assert_eq!(parse_name("512"), None);
        assert_eq!(parse_name("ring:64x"), None);
        let case = parse_case("uneven:4096 4096 12296").unwrap();
        assert_eq!((case.shape.as_str(), case.nodes, case.per_node, case.items), ("uneven", 4096, 2, 12296));
        assert!(parse_case("uneven:4096 64 12296").is_none());
    }

    #[test]
    fn growth_is_per_shape_between_successive_node_counts_of_two_services_a_node() {
        let cases: Vec<Case> =
            ["ring:64x20 64 1", "ring:512 512 1", "ring:64 64 1", "uneven:64 64 1", "ring:4096 4096 1"]
                .iter()
                .map(|line| parse_case(line).unwrap())
                .collect();
        let pairs: Vec<(&str, &str)> =
            growth_pairs(&cases).into_iter().map(|(from, to)| (from.name.as_str(), to.name.as_str())).collect();
        assert_eq!(pairs, [("ring:64", "ring:512"), ("ring:512", "ring:4096")]);
    }

    #[test]
    fn n_log_n_grows_a_little_faster_than_n() {
        let growth = n_log_n_growth(192, 1536);
        assert!(growth > 8.0 && growth < 12.0, "{growth}");
    }
}
