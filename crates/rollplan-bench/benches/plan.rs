//! `cargo bench -p rollplan-bench`: validate, and validate and plan, the
//! generated clusters natively with criterion (median and spread per case).
//!
//! Cases: `ROLLPLAN_BENCH_CASES=any-owner:64x20,ring:512` (`ROLLPLAN_BENCH_SIZES=8,64`
//! for ring sizes; default: every shape at 64x20, 64, 512 and 4096). Criterion
//! takes at least ten runs per benchmark, so a case whose one validate-and-plan
//! run takes longer than `ROLLPLAN_BENCH_MAX_SECONDS` (default 10) is reported
//! and skipped rather than kept for minutes: `cargo run --release -p
//! rollplan-bench` times such a case (once, when one run is over 3 s).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rollplan_core::{Syntax, analyze, validate_as};

fn bench(c: &mut Criterion) {
    let cases = rollplan_bench::cases_from(
        std::env::var("ROLLPLAN_BENCH_CASES").ok().as_deref(),
        std::env::var("ROLLPLAN_BENCH_SIZES").ok().as_deref(),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let max = std::env::var("ROLLPLAN_BENCH_MAX_SECONDS")
        .ok()
        .and_then(|seconds| seconds.parse().ok())
        .map_or(Duration::from_secs(10), Duration::from_secs_f64);
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10);
    for case in cases {
        let text = case.description();
        group.bench_with_input(BenchmarkId::new("validate", case), &text, |b, text| {
            b.iter(|| validate_as(black_box(text), Syntax::Yaml));
        });
        let started = Instant::now();
        let has_plan = analyze(&text, Syntax::Yaml).plan().is_some();
        let once = started.elapsed();
        assert!(has_plan, "the generated cluster {case} has no plan");
        if once > max {
            println!(
                "analyze/validate+plan/{case}: SKIPPED, one run took {:.3} s (over ROLLPLAN_BENCH_MAX_SECONDS={}); \
                 `cargo run --release -p rollplan-bench -- {case}` times it (once, when a run is over 3 s)",
                once.as_secs_f64(),
                max.as_secs_f64()
            );
            continue;
        }
        group.bench_with_input(BenchmarkId::new("validate+plan", case), &text, |b, text| {
            b.iter(|| analyze(black_box(text), Syntax::Yaml));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
