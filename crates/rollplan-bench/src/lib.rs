//! Benchmark clusters for rollplan, and the timing every measurement of them shares.
//!
//! One generator ([`cluster`]) makes the descriptions that the criterion bench
//! (`benches/plan.rs`), the native table (`src/main.rs`) and the browser table
//! (`tests/wasm.rs`: wasm in headless Chromium) analyse, and one routine
//! ([`time`]) times them. The routine has no clock of its own: it is handed one
//! (`Instant` natively, `performance.now()` in the browser), so the native and
//! the wasm figures are the same statistic of the same work, and `cargo xtask
//! bench-wasm` can set them side by side. See docs/performance.md.

use std::fmt::Write as _;
use std::hint::black_box;

use rollplan_core::{Syntax, analyze, validate_as};

/// The sizes measured when none are asked for, in nodes.
pub const DEFAULT_SIZES: &[usize] = &[8, 64, 512, 4096];

/// Services per node in a generated cluster.
pub const SERVICES_PER_NODE: usize = 2;

/// The smallest cluster [`cluster`] makes: each service has three distinct owners.
pub const MIN_NODES: usize = 3;

/// A description of `nodes` nodes in YAML, the text the browser would analyse.
///
/// Every node has capacity 3 and runs two services, each owned by its node and
/// the next two (wrapping around); one component goes from release A to B,
/// majority quorum, failback `verify`.
pub fn cluster(nodes: usize) -> String {
    let mut text = String::from(
        "format: 1\ncluster: GENERATED\ncomponents:\n  os: {releases: [A, B], target: B, minutes: 20}\nnodes:\n",
    );
    for i in 0..nodes {
        let _ = writeln!(text, "  - {{name: N{i}, versions: {{os: A}}, capacity: 3}}");
    }
    text.push_str("services:\n");
    for i in 0..nodes {
        for k in 0..SERVICES_PER_NODE {
            let _ = writeln!(
                text,
                "  - {{name: S{i}_{k}, on: N{i}, owners: [N{i}, N{}, N{}]}}",
                (i + 1) % nodes,
                (i + 2) % nodes
            );
        }
    }
    text.push_str("policy: {quorum: majority, failback: verify}\n");
    text
}

/// What the work grows with: nodes plus services.
pub fn items(nodes: usize) -> usize {
    nodes * (1 + SERVICES_PER_NODE)
}

/// The sizes to measure: a comma-separated list (`ROLLPLAN_BENCH_SIZES`), or
/// [`DEFAULT_SIZES`] when there is none or it is blank.
pub fn sizes(list: Option<&str>) -> Result<Vec<usize>, String> {
    let Some(list) = list.filter(|list| !list.trim().is_empty()) else {
        return Ok(DEFAULT_SIZES.to_vec());
    };
    list.split(',')
        .map(|size| match size.trim().parse::<usize>() {
            Ok(nodes) if nodes >= MIN_NODES => Ok(nodes),
            _ => Err(format!("bad size {size:?} in {list:?}: sizes are node counts of at least {MIN_NODES}")),
        })
        .collect()
}

/// Work slower than this (ms, one run) is run once only: a big size reports
/// one run at once rather than keep the machine busy for minutes.
pub const ONCE_ABOVE_MS: f64 = 3000.0;
/// Warm-up before sampling (caches, the allocator, and in the browser the
/// optimising compiler), which also estimates the cost of one run.
const WARM_UP_MS: f64 = 200.0;
/// The shortest sample: quicker work is repeated in a batch, since a
/// browser's clock is coarse (5 µs at best, 100 µs without cross-origin isolation).
const MIN_SAMPLE_MS: f64 = 5.0;
/// About how long the samples of one measurement take in all.
const TARGET_MS: f64 = 1000.0;
const MIN_SAMPLES: u32 = 3;
const MAX_SAMPLES: u32 = 25;
const MAX_BATCH: u32 = 10_000;

/// A measured time per run: the median of `samples` samples, each `batch` runs back to back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    pub median_ms: f64,
    pub samples: u32,
    pub batch: u32,
}

/// Times `run` with the clock `now` (milliseconds): warm-up, then the median
/// of 3 to 25 samples; quick work is batched so that a sample lasts at least
/// 5 ms, and work slower than [`ONCE_ABOVE_MS`] is run once.
pub fn time(now: impl Fn() -> f64, mut run: impl FnMut()) -> Timing {
    let started = now();
    let mut runs = 0_u32;
    let per_run = loop {
        run();
        runs += 1;
        let elapsed = now() - started;
        if runs == 1 && elapsed >= ONCE_ABOVE_MS {
            return Timing { median_ms: elapsed, samples: 1, batch: 1 };
        }
        if elapsed >= WARM_UP_MS || runs >= MAX_BATCH {
            break elapsed / f64::from(runs);
        }
    };
    let batch = count(MIN_SAMPLE_MS / per_run.max(1e-6), 1, MAX_BATCH);
    let samples = count(TARGET_MS / (per_run * f64::from(batch)).max(1e-6), MIN_SAMPLES, MAX_SAMPLES);
    let mut times: Vec<f64> = (0..samples)
        .map(|_| {
            let start = now();
            for _ in 0..batch {
                run();
            }
            (now() - start) / f64::from(batch)
        })
        .collect();
    Timing { median_ms: median(&mut times), samples, batch }
}

/// `x` rounded up, within `low..=high`.
#[expect(clippy::cast_sign_loss, reason = "clamped to low..=high, both u32, before the cast")]
fn count(x: f64, low: u32, high: u32) -> u32 {
    x.ceil().clamp(f64::from(low), f64::from(high)) as u32
}

/// The median of `values` (the mean of the middle two for an even count); 0 for none.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    match values.len() {
        0 => 0.0,
        len if len % 2 == 1 => values[middle],
        _ => f64::midpoint(values[middle - 1], values[middle]),
    }
}

/// Analyses small generated clusters for about `ms` milliseconds, results
/// unused. In the browser, wasm starts on a baseline compiler and hot
/// functions are optimised in the background, so without this the first
/// measurements would time the baseline code.
pub fn warm_up(now: impl Fn() -> f64, ms: f64) {
    let texts = [cluster(8), cluster(64)];
    let started = now();
    while now() - started < ms {
        for text in &texts {
            black_box(analyze(black_box(text), Syntax::Yaml));
        }
    }
}

/// One size's measurement: validation alone, and validation and planning.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub nodes: usize,
    pub validate: Timing,
    /// Why there is no time, if the generated cluster did not get a plan.
    pub plan: Result<Timing, String>,
}

/// The table's header; [`Row::line`] lines up under it.
pub const HEADER: &str = "   nodes  nodes+services   validate ms  validate+plan ms  runs (samples x batch)";

impl Row {
    /// One line of the table: nodes, nodes+services, the two medians in ms,
    /// then how they were sampled; `FAILED` and the reason in place of the
    /// plan's time when there is none. Whitespace-separated, so that scripts
    /// (`cargo xtask bench-wasm`) read the first four fields.
    pub fn line(&self) -> String {
        let Row { nodes, validate, plan } = self;
        let start = format!("{nodes:>8}  {:>14}  {:>12.3}", items(*nodes), validate.median_ms);
        match plan {
            Ok(plan) => format!(
                "{start}  {:>16.3}  {}x{}, {}x{}",
                plan.median_ms, validate.samples, validate.batch, plan.samples, plan.batch
            ),
            Err(reason) => format!("{start}  {:>16}  {reason}", "FAILED"),
        }
    }
}

/// Measures one size with the clock `now` (ms): validation, then validation
/// and planning (`analyze`, what the app runs on every change).
pub fn measure(nodes: usize, now: impl Fn() -> f64) -> Row {
    let text = cluster(nodes);
    let validate = time(&now, || {
        black_box(validate_as(black_box(&text), Syntax::Yaml));
    });
    // Checked on every run (it costs nothing): a time without a plan is a time of something else.
    let mut failure = None;
    let plan = time(&now, || {
        let analysis = analyze(black_box(&text), Syntax::Yaml);
        if analysis.plan().is_none() && failure.is_none() {
            failure = Some(match analysis.blocked() {
                Some(reasons) => {
                    format!("no plan: {}", reasons.first().map_or("blocked", |reason| reason.message.as_str()))
                }
                None => format!(
                    "invalid: {}",
                    analysis.validation.diagnostics.first().map_or("no cluster", |problem| problem.message.as_str())
                ),
            });
        }
        black_box(analysis);
    });
    Row { nodes, validate, plan: failure.map_or(Ok(plan), Err) }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn generated_clusters_validate_and_plan() {
        for nodes in [MIN_NODES, 8, 64] {
            let analysis = analyze(&cluster(nodes), Syntax::Yaml);
            assert!(analysis.validation.diagnostics.iter().all(|d| !d.is_error()), "{nodes} nodes");
            assert!(analysis.plan().is_some(), "{nodes} nodes have a plan");
        }
        assert_eq!(cluster(8).matches("owners:").count(), 16);
        assert_eq!(items(8), 24);
    }

    #[test]
    fn sizes_default_or_from_a_list() {
        assert_eq!(sizes(None).unwrap(), DEFAULT_SIZES);
        assert_eq!(sizes(Some(" ")).unwrap(), DEFAULT_SIZES);
        assert_eq!(sizes(Some("8, 64")).unwrap(), [8, 64]);
        assert!(sizes(Some("8,x")).is_err());
        assert!(sizes(Some("2")).is_err());
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(median(&mut [3.0, 1.0, 2.0]), 2.0));
        assert!(close(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5));
        assert!(close(median(&mut []), 0.0));
    }

    /// A clock that advances by `step` ms at every reading: a run costs one step.
    fn fake_clock(step: f64) -> impl Fn() -> f64 {
        let time = Cell::new(0.0);
        move || {
            time.set(time.get() + step);
            time.get()
        }
    }

    #[test]
    fn quick_work_is_batched_and_slow_work_runs_once() {
        let runs = Cell::new(0);
        let quick = time(fake_clock(0.01), || runs.set(runs.get() + 1));
        assert!(quick.batch > 1 && quick.samples == MAX_SAMPLES, "{quick:?}");
        assert!(runs.get() > 1000);

        let runs = Cell::new(0);
        let slow = time(fake_clock(ONCE_ABOVE_MS), || runs.set(runs.get() + 1));
        assert_eq!((slow.samples, slow.batch, runs.get()), (1, 1, 1));

        let big = time(fake_clock(400.0), || {});
        assert_eq!((big.samples, big.batch), (MIN_SAMPLES, 1));
    }

    #[test]
    fn a_row_is_one_parseable_line() {
        let timing = Timing { median_ms: 1.5, samples: 25, batch: 4 };
        let row = Row { nodes: 64, validate: timing, plan: Ok(timing) };
        let line = row.line();
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields[..4], ["64", "192", "1.500", "1.500"]);
        let failed = Row { plan: Err("no plan: x".to_owned()), ..row };
        assert_eq!(failed.line().split_whitespace().nth(3), Some("FAILED"));
    }
}
