//! Validate and plan generated clusters of growing size, natively.
//!
//! Each cluster has `n` nodes with capacity 3 and two services per node, each
//! service owned by its node and the next two; one component goes from A to B,
//! majority quorum, failback verify. The same text the browser would analyse.
//! Run with `cargo bench -p rollplan-core`; `ROLLPLAN_BENCH_SIZES=8,64` picks sizes.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rollplan_core::{Syntax, analyze, validate_as};

/// A description of `nodes` nodes, two services each, in YAML.
fn cluster(nodes: usize) -> String {
    let mut text = String::from(
        "format: 1\ncluster: GENERATED\ncomponents:\n  os: {releases: [A, B], target: B, minutes: 20}\nnodes:\n",
    );
    for i in 0..nodes {
        let _ = writeln!(text, "  - {{name: N{i}, versions: {{os: A}}, capacity: 3}}");
    }
    text.push_str("services:\n");
    for i in 0..nodes {
        for k in 0..2 {
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

fn sizes() -> Vec<usize> {
    std::env::var("ROLLPLAN_BENCH_SIZES")
        .ok()
        .map_or_else(|| vec![8, 64, 512], |list| list.split(',').filter_map(|n| n.trim().parse().ok()).collect())
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10);
    for nodes in sizes() {
        let text = cluster(nodes);
        group.bench_with_input(BenchmarkId::new("validate", nodes), &text, |b, text| {
            b.iter(|| validate_as(black_box(text), Syntax::Yaml));
        });
        group.bench_with_input(BenchmarkId::new("validate+plan", nodes), &text, |b, text| {
            b.iter(|| {
                let analysis = analyze(black_box(text), Syntax::Yaml);
                assert!(analysis.plan().is_some(), "the generated cluster has a plan");
                analysis
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
