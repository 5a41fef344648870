//! Benchmark clusters for rollplan, and the timing every measurement of them shares.
//!
//! One generator ([`Case::description`]: a [`Shape`], a node count and K
//! services a node, written `SHAPE:NODES` or `SHAPE:NODESxK`) makes the
//! descriptions that the criterion bench (`benches/plan.rs`), the native table
//! (`src/main.rs`) and the browser table (`tests/wasm.rs`: wasm in headless
//! Chromium) analyse, so all three measure the same cases, and one routine
//! ([`time`]) times them. The routine has no clock of its own: it is handed one
//! (`Instant` natively, `performance.now()` in the browser), so the native and
//! the wasm figures are the same statistic of the same work, and `cargo xtask
//! bench-wasm` can set them side by side. See docs/performance.md.

use std::fmt::{self, Write as _};
use std::hint::black_box;
use std::str::FromStr;

use rollplan_core::{Syntax, analyze, validate_as};

/// Services a node hosts (K) when a case does not say: `ring:64` is `ring:64x2`.
pub const DEFAULT_PER_NODE: usize = 2;

/// The smallest cluster a case may have: a `ring` service has three distinct owners.
pub const MIN_NODES: usize = 3;

/// How many nodes own a `long-owners` service (L): its own node and the next L - 1.
///
/// The rule is the largest of 32, 24, 16, 8 with which the 4,096-node K = 2
/// description stays under the core's input limit (1 MiB,
/// `rollplan_core::MAX_INPUT_BYTES`), so that the biggest default case is
/// still a description the core reads. Owner lists are most of its bytes even
/// written compactly (`[N1,N2,N3]`), and the core's YAML reader does not
/// expand aliases, so lists cannot be shared: 16 owners a service is over the
/// limit, and 8 is the largest step that fits. A test checks both.
pub const LONG_OWNERS: usize = 8;

/// In an `uneven` cluster one node in this many hosts services (this many
/// times K), the others none: the same number of services as a cluster of K
/// a node, piled up on few nodes.
pub const UNEVEN_EVERY: usize = 25;

/// How many nodes own a `mixed` service whose owners are listed: its own
/// node and the next three, as a Hyper-V administrator might set preferred owners.
pub const MIXED_OWNERS: usize = 4;

/// How a generated cluster is laid out: which nodes host which services, who
/// may own them, and how much room there is. Each one stresses the planner in
/// its own way; all of them are valid descriptions that get a plan (a test
/// checks every shape at 3, 8 and 64 nodes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shape {
    /// Capacity K + ceil(K/2), K services a node, each owned by its node and
    /// the next two (wrapping): each neighbour has room for half of a node's
    /// services. At K = 2 it is the cluster every earlier measurement used.
    Ring,
    /// `owners` left out (every node may run every service) and no
    /// `capacity` (unlimited): the widest choice of failover target.
    AnyOwner,
    /// `owners` left out, every node of capacity K; all but the last node
    /// full, the last one empty: an N+1 cluster, exactly one spare node's room.
    AnyOwnerTight,
    /// Each service owned by its node and the next [`LONG_OWNERS`] - 1
    /// (wrapping), written out; capacity as in `ring`: long owner lists to read,
    /// check and choose from.
    LongOwners,
    /// `owners` left out, unlimited capacity, and the services piled up on
    /// one node in [`UNEVEN_EVERY`]: few nodes with many services each.
    Uneven,
    /// `owners` left out, unlimited capacity, and every odd-indexed node
    /// already on the target release: an upgrade interrupted halfway.
    HalfDone,
    /// Every node full (capacity K) but the last, which is empty; half of
    /// each node's services with `owners` left out, the other half owned by
    /// their node and the next [`MIXED_OWNERS`] - 1: both kinds competing for
    /// the one spare node's room.
    Mixed,
    /// Kubernetes from 1.28 to 1.30 under its version-skew policy:
    /// [`CONTROL_PLANE`] control-plane nodes (kube-apiserver,
    /// controller-manager, scheduler, kubelet; `path: sequential`) upgraded
    /// before the workers (kubelet, kube-proxy), each worker hosting K
    /// workloads that any node may run: hops, skew rules, roles and nodes
    /// that run some components.
    Kubernetes,
    /// K replicated services a node, each with a copy on its node and the
    /// next two (wrapping) and `min_available: 2` (an Exchange DAG's
    /// databases, spread round the cluster): nothing moves, but no wave may
    /// take two of any three neighbours down.
    Replicated,
}

/// Copies of a `replicated` service: its node and the next ones.
pub const REPLICA_COPIES: usize = 3;

/// Control-plane nodes of a `kubernetes` cluster (fewer in a cluster of under
/// four nodes, which keeps one worker).
pub const CONTROL_PLANE: usize = 3;

/// The control-plane nodes of a `kubernetes` cluster of `nodes` nodes.
fn control_planes(nodes: usize) -> usize {
    CONTROL_PLANE.min(nodes.saturating_sub(1))
}

impl Shape {
    /// Every shape, in the order the default cases and the tables list them.
    pub const ALL: [Shape; 9] = [
        Shape::Ring,
        Shape::AnyOwner,
        Shape::AnyOwnerTight,
        Shape::LongOwners,
        Shape::Uneven,
        Shape::HalfDone,
        Shape::Mixed,
        Shape::Kubernetes,
        Shape::Replicated,
    ];

    /// The name a case is written with (`any-owner:64x20`).
    pub fn name(self) -> &'static str {
        match self {
            Shape::Ring => "ring",
            Shape::AnyOwner => "any-owner",
            Shape::AnyOwnerTight => "any-owner-tight",
            Shape::LongOwners => "long-owners",
            Shape::Uneven => "uneven",
            Shape::HalfDone => "half-done",
            Shape::Mixed => "mixed",
            Shape::Kubernetes => "kubernetes",
            Shape::Replicated => "replicated",
        }
    }

    /// Each node's capacity, or `None` for unlimited (`capacity` left out).
    fn capacity(self, per_node: usize) -> Option<usize> {
        match self {
            Shape::Ring | Shape::LongOwners => Some(per_node + per_node.div_ceil(2)),
            Shape::AnyOwnerTight | Shape::Mixed => Some(per_node),
            Shape::AnyOwner | Shape::Uneven | Shape::HalfDone | Shape::Kubernetes | Shape::Replicated => None,
        }
    }

    /// How many services node `node` of `nodes` hosts.
    fn hosted_on(self, node: usize, nodes: usize, per_node: usize) -> usize {
        match self {
            Shape::AnyOwnerTight | Shape::Mixed if node == nodes - 1 => 0,
            Shape::Uneven if node.is_multiple_of(UNEVEN_EVERY) => UNEVEN_EVERY * per_node,
            Shape::Uneven => 0,
            Shape::Kubernetes if node < control_planes(nodes) => 0,
            _ => per_node,
        }
    }

    /// How many owners service `k` of a node lists (its node and the next
    /// ones), or `None` when `owners` is left out; and what separates them.
    fn owners(self, nodes: usize, k: usize) -> Option<(usize, &'static str)> {
        match self {
            // ", ": byte for byte the text of the measurements before shapes existed.
            Shape::Ring => Some((3.min(nodes), ", ")),
            // Compact: the owner lists are most of the description (see LONG_OWNERS).
            Shape::LongOwners => Some((LONG_OWNERS.min(nodes), ",")),
            Shape::Mixed if k % 2 == 1 => Some((MIXED_OWNERS.min(nodes), ",")),
            Shape::AnyOwner
            | Shape::AnyOwnerTight
            | Shape::Uneven
            | Shape::HalfDone
            | Shape::Mixed
            | Shape::Kubernetes
            | Shape::Replicated => None,
        }
    }

    /// The release node `node` runs now.
    fn release_of(self, node: usize) -> &'static str {
        match self {
            Shape::HalfDone if node % 2 == 1 => "B",
            _ => "A",
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Shape {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Shape::ALL.into_iter().find(|shape| shape.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Shape::ALL.iter().map(|shape| shape.name()).collect();
            format!("no shape {name:?}: the shapes are {}", names.join(", "))
        })
    }
}

/// One generated cluster to measure: a shape, a node count and K services a
/// node. Written `SHAPE:NODES` (K = 2) or `SHAPE:NODESxK`, e.g.
/// `any-owner:64x20`; a plain `NODES` is a `ring`, as sizes were written
/// before shapes existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Case {
    pub shape: Shape,
    pub nodes: usize,
    /// Services a node hosts (K); some shapes spread them unevenly.
    pub per_node: usize,
    /// `policy.max_down` (M, written `/M`): above 1, the plan goes in waves.
    pub max_down: u32,
}

impl Case {
    /// A case of `nodes` nodes with the default K.
    pub const fn new(shape: Shape, nodes: usize) -> Case {
        Case { shape, nodes, per_node: DEFAULT_PER_NODE, max_down: 1 }
    }

    /// This case with `policy.max_down: max_down`.
    #[must_use]
    pub const fn waves(self, max_down: u32) -> Case {
        Case { max_down, ..self }
    }

    /// The policy line of the description.
    fn policy(&self, rest: &str) -> String {
        if self.max_down > 1 {
            format!("policy: {{max_down: {}, {rest}}}\n", self.max_down)
        } else {
            format!("policy: {{{rest}}}\n")
        }
    }

    /// The description in YAML, the text the browser would analyse: one
    /// component going from release A to B, majority quorum, failback
    /// `verify`, nodes `N{i}` and services `S{i}_{k}` laid out by the shape.
    pub fn description(&self) -> String {
        let Case { shape, nodes, per_node, .. } = *self;
        if shape == Shape::Kubernetes {
            return self.kubernetes();
        }
        if shape == Shape::Replicated {
            return self.replicated();
        }
        let mut text = String::from(
            "format: 1\ncluster: GENERATED\ncomponents:\n  os: {releases: [A, B], target: B, minutes: 20}\nnodes:\n",
        );
        for i in 0..nodes {
            let release = shape.release_of(i);
            let _ = match shape.capacity(per_node) {
                Some(capacity) => {
                    writeln!(text, "  - {{name: N{i}, versions: {{os: {release}}}, capacity: {capacity}}}")
                }
                None => writeln!(text, "  - {{name: N{i}, versions: {{os: {release}}}}}"),
            };
        }
        text.push_str("services:\n");
        for i in 0..nodes {
            for k in 0..shape.hosted_on(i, nodes, per_node) {
                let owners = shape.owners(nodes, k).map(|(count, separator)| {
                    let names: Vec<String> = (0..count).map(|next| format!("N{}", (i + next) % nodes)).collect();
                    names.join(separator)
                });
                let _ = match &owners {
                    Some(owners) => writeln!(text, "  - {{name: S{i}_{k}, on: N{i}, owners: [{owners}]}}"),
                    None => writeln!(text, "  - {{name: S{i}_{k}, on: N{i}}}"),
                };
            }
        }
        text.push_str(&self.policy("quorum: majority, failback: verify"));
        text
    }

    /// The `replicated` shape's description.
    fn replicated(&self) -> String {
        let Case { nodes, per_node, .. } = *self;
        let mut text = String::from(
            "format: 1\ncluster: GENERATED\ncomponents:\n  os: {releases: [A, B], target: B, minutes: 20}\nnodes:\n",
        );
        for i in 0..nodes {
            let _ = writeln!(text, "  - {{name: N{i}, versions: {{os: A}}}}");
        }
        text.push_str("services:\n");
        let copies = REPLICA_COPIES.min(nodes);
        for i in 0..nodes {
            for k in 0..per_node {
                let replicas: Vec<String> = (0..copies).map(|next| format!("N{}", (i + next) % nodes)).collect();
                let _ = writeln!(
                    text,
                    "  - {{name: R{i}_{k}, replicas: [{}], min_available: {}}}",
                    replicas.join(","),
                    copies - 1
                );
            }
        }
        text.push_str(&self.policy("quorum: majority, failback: none"));
        text
    }

    /// The `kubernetes` shape's description (the skew rules of
    /// tests/examples/kubernetes-1.28-to-1.30.yaml).
    fn kubernetes(&self) -> String {
        let Case { nodes, per_node, .. } = *self;
        let mut text = String::from("format: 1\ncluster: GENERATED\ncomponents:\n");
        for (name, path, minutes) in [
            ("kube-apiserver", true, 10),
            ("kube-controller-manager", true, 2),
            ("kube-scheduler", true, 2),
            ("kubelet", false, 5),
            ("kube-proxy", false, 2),
        ] {
            let path = if path { ", path: sequential" } else { "" };
            let _ = writeln!(
                text,
                "  {name}: {{releases: [\"1.27\", \"1.28\", \"1.29\", \"1.30\"], target: \"1.30\"{path}, reboot: false, minutes: {minutes}}}"
            );
        }
        text.push_str("nodes:\n");
        let control_planes = control_planes(nodes);
        for i in 0..nodes {
            let _ = if i < control_planes {
                writeln!(
                    text,
                    "  - {{name: N{i}, role: control-plane, versions: {{kube-apiserver: \"1.28\", kube-controller-manager: \"1.28\", kube-scheduler: \"1.28\", kubelet: \"1.28\"}}}}"
                )
            } else {
                writeln!(
                    text,
                    "  - {{name: N{i}, role: worker, versions: {{kubelet: \"1.28\", kube-proxy: \"1.28\"}}}}"
                )
            };
        }
        text.push_str("services:\n");
        for i in control_planes..nodes {
            for k in 0..per_node {
                let _ = writeln!(text, "  - {{name: S{i}_{k}, on: N{i}, uses: []}}");
            }
        }
        text.push_str(
            "skew:
  - {component: kube-apiserver, max_spread: 1}
  - {component: kubelet, against: kube-apiserver, max_newer: 0, max_older: 3}
  - {component: kube-controller-manager, against: kube-apiserver, max_newer: 0, max_older: 1, scope: node}
  - {component: kube-scheduler, against: kube-apiserver, max_newer: 0, max_older: 1, scope: node}
  - {component: kube-proxy, against: kube-apiserver, max_newer: 0, max_older: 3}
  - {component: kube-proxy, against: kubelet, max_newer: 3, max_older: 3, scope: node}
",
        );
        text.push_str(&self.policy("quorum: majority, failback: verify, order: [control-plane, worker]"));
        text
    }

    /// Services in the description.
    pub fn services(&self) -> usize {
        (0..self.nodes).map(|node| self.shape.hosted_on(node, self.nodes, self.per_node)).sum()
    }

    /// What the work grows with: nodes, services and the owner entries
    /// written out (none where `owners` is left out, though the core then
    /// lets every node own the service: that cost is the planner's to show).
    pub fn items(&self) -> usize {
        let owners: usize = (0..self.nodes)
            .flat_map(|node| 0..self.shape.hosted_on(node, self.nodes, self.per_node))
            .map(|k| self.shape.owners(self.nodes, k).map_or(0, |(count, _)| count))
            .sum();
        // A replicated service's copies are listed as owners are.
        let replicas =
            if self.shape == Shape::Replicated { self.services() * REPLICA_COPIES.min(self.nodes) } else { 0 };
        self.nodes + self.services() + owners + replicas
    }
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Case { shape, nodes, per_node, max_down } = self;
        if *per_node == DEFAULT_PER_NODE {
            write!(f, "{shape}:{nodes}")?;
        } else {
            write!(f, "{shape}:{nodes}x{per_node}")?;
        }
        if *max_down > 1 {
            write!(f, "/{max_down}")?;
        }
        Ok(())
    }
}

impl FromStr for Case {
    type Err = String;

    fn from_str(written: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| format!("bad case {written:?}: {why}");
        let (shape, size) = match written.split_once(':') {
            Some((shape, size)) => (shape.parse::<Shape>().map_err(|error| bad(&error))?, size),
            None => (Shape::Ring, written),
        };
        let (size, max_down) = match size.split_once('/') {
            Some((size, max_down)) => match max_down.parse::<u32>() {
                Ok(max_down) if max_down >= 1 => (size, max_down),
                _ => return Err(bad("M in SHAPE:NODES/M, the nodes down at once, is a count of at least 1")),
            },
            None => (size, 1),
        };
        let (nodes, per_node) = match size.split_once('x') {
            Some((nodes, per_node)) => (nodes, Some(per_node)),
            None => (size, None),
        };
        let nodes = match nodes.parse::<usize>() {
            Ok(nodes) if nodes >= MIN_NODES => nodes,
            _ => return Err(bad(&format!("cases are SHAPE:NODES or SHAPE:NODESxK, with at least {MIN_NODES} nodes"))),
        };
        let per_node = match per_node.map(str::parse::<usize>) {
            None => DEFAULT_PER_NODE,
            Some(Ok(per_node)) if per_node >= 1 => per_node,
            Some(_) => return Err(bad("K, the services a node hosts, is a count of at least 1")),
        };
        Ok(Case { shape, nodes, per_node, max_down })
    }
}

/// `policy.max_down` of the default cases in waves.
pub const DEFAULT_WAVE: u32 = 8;

/// The shapes the default cases also measure in waves of [`DEFAULT_WAVE`]:
/// failover services with owners listed and left out, and replicated ones.
pub const WAVE_SHAPES: [Shape; 3] = [Shape::Ring, Shape::AnyOwner, Shape::Replicated];

/// The cases measured when none are asked for: for every shape, 64 nodes at
/// K = 20 (many services on few nodes, the size people type into the page)
/// and 64, 512 and 4,096 nodes at K = 2 (how the time grows with the
/// cluster); then [`WAVE_SHAPES`] at those sizes with `max_down: 8`.
pub fn default_cases() -> Vec<Case> {
    Shape::ALL
        .into_iter()
        .flat_map(|shape| {
            [
                Case { shape, nodes: 64, per_node: 20, max_down: 1 },
                Case::new(shape, 64),
                Case::new(shape, 512),
                Case::new(shape, 4096),
            ]
        })
        .chain(
            WAVE_SHAPES
                .into_iter()
                .flat_map(|shape| [64, 512, 4096].map(|nodes| Case::new(shape, nodes).waves(DEFAULT_WAVE))),
        )
        .collect()
}

/// The cases to measure: a comma-separated list (`ROLLPLAN_BENCH_CASES`), or
/// [`default_cases`] when there is none or it is blank.
pub fn cases(list: Option<&str>) -> Result<Vec<Case>, String> {
    let Some(list) = list.filter(|list| !list.trim().is_empty()) else {
        return Ok(default_cases());
    };
    list.split(',').map(|case| case.trim().parse()).collect()
}

/// The cases the environment asks for: `ROLLPLAN_BENCH_CASES` when it is set
/// and not blank, else `ROLLPLAN_BENCH_SIZES` (its older name, for ring sizes:
/// a plain number is a `ring`), else the default. Handed the two values rather
/// than reading them, since the browser has no environment (tests/wasm.rs
/// reads them when it is compiled).
pub fn cases_from(cases_variable: Option<&str>, sizes_variable: Option<&str>) -> Result<Vec<Case>, String> {
    match cases_variable.filter(|list| !list.trim().is_empty()) {
        Some(list) => cases(Some(list)).map_err(|error| format!("ROLLPLAN_BENCH_CASES: {error}")),
        None => cases(sizes_variable).map_err(|error| format!("ROLLPLAN_BENCH_SIZES: {error}")),
    }
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
    let texts = [Case::new(Shape::Ring, 8).description(), Case::new(Shape::Ring, 64).description()];
    let started = now();
    while now() - started < ms {
        for text in &texts {
            black_box(analyze(black_box(text), Syntax::Yaml));
        }
    }
}

/// One case's measurement: validation alone, and validation and planning.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub case: Case,
    pub validate: Timing,
    /// Why there is no time, if the generated cluster did not get a plan.
    pub plan: Result<Timing, String>,
}

/// The table's header; [`Row::line`] lines up under it. `items`: nodes,
/// services and owner entries written ([`Case::items`]).
pub const HEADER: &str =
    "case                     nodes     items   validate ms  validate+plan ms  runs (samples x batch)";

impl Row {
    /// One line of the table: the case, nodes, items, the two medians in ms,
    /// then how they were sampled; `FAILED` and the reason in place of the
    /// plan's time when there is none. Whitespace-separated, so that scripts
    /// (`cargo xtask bench-wasm`) read the first five fields.
    pub fn line(&self) -> String {
        let Row { case, validate, plan } = self;
        let start =
            format!("{:<22}  {:>5}  {:>8}  {:>12.3}", case.to_string(), case.nodes, case.items(), validate.median_ms);
        match plan {
            Ok(plan) => format!(
                "{start}  {:>16.3}  {}x{}, {}x{}",
                plan.median_ms, validate.samples, validate.batch, plan.samples, plan.batch
            ),
            Err(reason) => format!("{start}  {:>16}  {reason}", "FAILED"),
        }
    }
}

/// A `kubectl get nodes -o json` of `nodes` nodes, 3 of them control-plane,
/// each item with the fields a kubeadm cluster prints (metadata with labels
/// and annotations, spec with taints, status with addresses, capacity,
/// conditions, images and nodeInfo): what the page's import reads.
pub fn node_list(nodes: usize) -> String {
    let mut items = Vec::with_capacity(nodes);
    for i in 0..nodes {
        let control_plane = i < 3;
        let name = if control_plane { format!("cp{}", i + 1) } else { format!("worker-{:04}", i - 2) };
        let role_label = if control_plane {
            r#","node-role.kubernetes.io/control-plane":"","node.kubernetes.io/exclude-from-external-load-balancers":"""#
        } else {
            ""
        };
        let taints = if control_plane {
            r#","taints":[{"effect":"NoSchedule","key":"node-role.kubernetes.io/control-plane"}]"#
        } else {
            ""
        };
        let condition = |kind: &str, status: &str, reason: &str| {
            format!(
                r#"{{"lastHeartbeatTime":"2026-12-05T08:01:44Z","lastTransitionTime":"2026-12-01T09:14:02Z","message":"kubelet reports {kind}","reason":"{reason}","status":"{status}","type":"{kind}"}}"#
            )
        };
        let conditions = [
            condition("MemoryPressure", "False", "KubeletHasSufficientMemory"),
            condition("DiskPressure", "False", "KubeletHasNoDiskPressure"),
            condition("PIDPressure", "False", "KubeletHasSufficientPID"),
            condition("Ready", "True", "KubeletReady"),
        ]
        .join(",");
        let resources = r#"{"cpu":"4","ephemeral-storage":"101430960Ki","hugepages-1Gi":"0","hugepages-2Mi":"0","memory":"16370236Ki","pods":"110"}"#;
        items.push(format!(
            r#"{{"apiVersion":"v1","kind":"Node","metadata":{{"annotations":{{"kubeadm.alpha.kubernetes.io/cri-socket":"unix:///var/run/containerd/containerd.sock","node.alpha.kubernetes.io/ttl":"0","volumes.kubernetes.io/controller-managed-attach-detach":"true"}},"creationTimestamp":"2025-03-11T10:22:48Z","labels":{{"beta.kubernetes.io/arch":"amd64","beta.kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","kubernetes.io/hostname":"{name}","kubernetes.io/os":"linux"{role_label}}},"name":"{name}","resourceVersion":"{}","uid":"0b6e{i:08x}-1c2d-4e5f-8a9b-{i:012x}"}},"spec":{{"podCIDR":"10.244.{}.0/24","podCIDRs":["10.244.{}.0/24"]{taints}}},"status":{{"addresses":[{{"address":"10.0.{}.{}","type":"InternalIP"}},{{"address":"{name}","type":"Hostname"}}],"allocatable":{resources},"capacity":{resources},"conditions":[{conditions}],"daemonEndpoints":{{"kubeletEndpoint":{{"Port":10250}}}},"images":[{{"names":["registry.k8s.io/kube-proxy@sha256:{i:064x}","registry.k8s.io/kube-proxy:v1.29.15"],"sizeBytes":28327108}},{{"names":["registry.k8s.io/pause:3.9"],"sizeBytes":321520}}],"nodeInfo":{{"architecture":"amd64","bootID":"{i:032x}","containerRuntimeVersion":"containerd://1.7.13","kernelVersion":"5.15.0-105-generic","kubeProxyVersion":"v1.29.15","kubeletVersion":"v1.29.15","machineID":"{i:032x}","operatingSystem":"linux","osImage":"Ubuntu 22.04.4 LTS","systemUUID":"{i:032x}"}}}}}}"#,
            1_000_000 + i,
            i % 256,
            i % 256,
            i / 256,
            i % 256,
        ));
    }
    format!(r#"{{"apiVersion":"v1","items":[{}],"kind":"List","metadata":{{"resourceVersion":""}}}}"#, items.join(","))
}

/// Times the import of [`node_list`]`(nodes)` alone, and the import with the
/// analysis (validate and plan) of the description it makes: what the page
/// does when a node list is pasted and converted. `Err` when it is refused or gets no plan.
pub fn measure_import(nodes: usize, now: impl Fn() -> f64) -> Result<(Timing, Timing), String> {
    let json = node_list(nodes);
    let imported = rollplan_core::import::kubernetes(&json, None).map_err(|error| error.message)?;
    if analyze(&imported.description, Syntax::Yaml).plan().is_none() {
        return Err("the imported description gets no plan".to_owned());
    }
    let import = time(&now, || {
        black_box(rollplan_core::import::kubernetes(black_box(&json), None).ok());
    });
    let whole = time(&now, || {
        if let Ok(imported) = rollplan_core::import::kubernetes(black_box(&json), None) {
            black_box(analyze(&imported.description, Syntax::Yaml));
        }
    });
    Ok((import, whole))
}

/// Measures one case with the clock `now` (ms): validation, then validation
/// and planning (`analyze`, what the app runs on every change).
pub fn measure(case: Case, now: impl Fn() -> f64) -> Row {
    let text = case.description();
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
    Row { case, validate, plan: failure.map_or(Ok(plan), Err) }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// The generator as it was before shapes, kept to hold `ring` to it:
    /// earlier figures were measured on exactly this text.
    fn cluster_before_shapes(nodes: usize) -> String {
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

    #[test]
    fn ring_at_two_services_a_node_is_the_text_measured_before() {
        for nodes in [MIN_NODES, 8, 64, 512, 4096] {
            assert_eq!(Case::new(Shape::Ring, nodes).description(), cluster_before_shapes(nodes), "{nodes} nodes");
        }
    }

    /// Every shape plans, and the independent checker replays each plan:
    /// its steps and the risks it shows after each one, the shapes the
    /// planner's fast paths were written for included, up to 512 nodes (the
    /// checker finds a state's open nodes once, not once per service, so a
    /// 512-node plan replays in seconds in a debug build).
    #[test]
    fn every_shape_validates_and_plans() {
        for shape in Shape::ALL {
            let cases = [(MIN_NODES, 2), (8, 2), (64, 2), (64, 20), (512, 2)];
            for case in cases.map(|(nodes, per_node)| Case { shape, nodes, per_node, max_down: 1 }) {
                let analysis = analyze(&case.description(), Syntax::Yaml);
                let errors: Vec<_> = analysis.validation.diagnostics.iter().filter(|d| d.is_error()).collect();
                assert!(errors.is_empty(), "{case}: {errors:?}");
                let (Some(cluster), Some(plan)) = (&analysis.validation.cluster, analysis.plan()) else {
                    panic!("{case} has no plan: {:?}", analysis.blocked())
                };
                assert_eq!(plan.summary.risks_through_step, None, "{case}: risks worked out to the end");
                if let Err(violation) = rollplan_core::check::check(cluster, plan) {
                    panic!("{case}: the checker rejects the plan: {violation:?}");
                }
            }
        }
    }

    /// Nodes, services and owner entries, counted in the text itself.
    fn items_in(text: &str) -> usize {
        let nodes = text.matches("{name: N").count();
        let services = text.matches("{name: S").count() + text.matches("{name: R").count();
        let listed = |field: &str| -> usize {
            text.split(field).skip(1).map(|rest| rest[..rest.find(']').unwrap()].split(',').count()).sum()
        };
        nodes + services + listed("owners: [") + listed("replicas: [")
    }

    #[test]
    fn items_count_what_is_written() {
        for shape in Shape::ALL {
            for (nodes, per_node) in [(MIN_NODES, 2), (8, 2), (64, 2), (64, 20), (100, 3)] {
                let case = Case { shape, nodes, per_node, max_down: 1 };
                assert_eq!(case.items(), items_in(&case.description()), "{case}");
            }
        }
        assert_eq!(Case::new(Shape::Ring, 8).items(), 8 + 16 + 48);
        assert_eq!(Case::new(Shape::AnyOwner, 8).items(), 8 + 16);
        assert_eq!(Case::new(Shape::AnyOwnerTight, 8).items(), 8 + 14);
        assert_eq!(Case::new(Shape::Uneven, 51).items(), 51 + 3 * 50);
    }

    #[test]
    fn shapes_lay_out_what_they_say() {
        let tight = Case { shape: Shape::AnyOwnerTight, nodes: 4, per_node: 5, max_down: 1 }.description();
        assert_eq!(tight.matches("capacity: 5}").count(), 4);
        assert_eq!(tight.matches("on: N3}").count(), 0);
        assert_eq!(tight.matches("on: N2}").count(), 5);
        let half = Case::new(Shape::HalfDone, 5).description();
        assert_eq!(half.matches("{os: B}").count(), 2);
        assert!(half.contains("{name: N1, versions: {os: B}}"));
        let uneven = Case::new(Shape::Uneven, 26).description();
        assert_eq!(uneven.matches("on: N0}").count(), 50);
        assert_eq!(uneven.matches("on: N25}").count(), 50);
        assert_eq!(uneven.matches("on: N1}").count(), 0);
        let long = Case::new(Shape::LongOwners, 10).description();
        assert!(long.contains("{name: S9_1, on: N9, owners: [N9,N0,N1,N2,N3,N4,N5,N6]}"));
        assert!(long.contains("capacity: 3}"));
        let few = Case::new(Shape::LongOwners, MIN_NODES).description();
        assert!(few.contains("owners: [N2,N0,N1]}"));
    }

    #[test]
    fn long_owners_is_the_longest_step_that_fits_the_input_limit() {
        let biggest = Case::new(Shape::LongOwners, 4096).description();
        assert!(biggest.len() < rollplan_core::MAX_INPUT_BYTES, "{} bytes", biggest.len());
        // One step up (the steps are 32, 24, 16, 8) would not fit: each service
        // writes 8 more owners, each a name and a comma.
        let step_up: usize =
            (0..4096).map(|i| 2 * (0..8).map(|next| format!("N{},", (i + 8 + next) % 4096).len()).sum::<usize>()).sum();
        assert!(biggest.len() + step_up > rollplan_core::MAX_INPUT_BYTES);
    }

    #[test]
    fn cases_are_written_by_name() {
        let case: Case = "any-owner:64x20".parse().unwrap();
        assert_eq!(case, Case { shape: Shape::AnyOwner, nodes: 64, per_node: 20, max_down: 1 });
        assert_eq!(case.to_string(), "any-owner:64x20");
        assert_eq!("64".parse::<Case>().unwrap(), Case::new(Shape::Ring, 64));
        assert_eq!("ring:64x2".parse::<Case>().unwrap().to_string(), "ring:64");
        for shape in Shape::ALL {
            assert_eq!(shape.name().parse::<Shape>(), Ok(shape));
            assert_eq!(Case::new(shape, 512).to_string().parse::<Case>(), Ok(Case::new(shape, 512)));
        }
        for bad in ["square:64", "ring:2", "ring:64x0", "ring:", "64x", "x", "ring:64x2x3", ""] {
            assert!(bad.parse::<Case>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cases_default_or_from_a_list() {
        let default = cases(None).unwrap();
        assert_eq!(default.len(), 4 * Shape::ALL.len() + 3 * WAVE_SHAPES.len());
        assert_eq!(default.last().map(ToString::to_string).as_deref(), Some("replicated:4096/8"));
        assert_eq!("ring:64x2/8".parse::<Case>().unwrap(), Case::new(Shape::Ring, 64).waves(8));
        assert_eq!(Case::new(Shape::Ring, 64).waves(8).to_string(), "ring:64/8");
        assert!(Case::new(Shape::Ring, 8).waves(3).description().contains("policy: {max_down: 3, quorum: majority"));
        assert!("ring:64/0".parse::<Case>().is_err());
        assert_eq!(
            default[..4].iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["ring:64x20", "ring:64", "ring:512", "ring:4096"]
        );
        assert_eq!(cases(Some(" ")).unwrap(), default);
        assert_eq!(
            cases(Some("8, any-owner:64x20")).unwrap(),
            [Case::new(Shape::Ring, 8), Case { shape: Shape::AnyOwner, nodes: 64, per_node: 20, max_down: 1 }]
        );
        assert!(cases(Some("8,x")).is_err());
        assert!(cases(Some("2")).is_err());
        assert_eq!(cases_from(None, Some("8,64")).unwrap(), [Case::new(Shape::Ring, 8), Case::new(Shape::Ring, 64)]);
        assert_eq!(cases_from(Some("uneven:64"), Some("8")).unwrap(), [Case::new(Shape::Uneven, 64)]);
        assert_eq!(cases_from(Some(""), None).unwrap(), default);
        assert!(cases_from(Some("ring:1"), None).unwrap_err().starts_with("ROLLPLAN_BENCH_CASES"));
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
        let case = Case { shape: Shape::AnyOwnerTight, nodes: 64, per_node: 20, max_down: 1 };
        let row = Row { case, validate: timing, plan: Ok(timing) };
        let line = row.line();
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields[..5], ["any-owner-tight:64x20", "64", "1324", "1.500", "1.500"]);
        let failed = Row { plan: Err("no plan: x".to_owned()), ..row };
        assert_eq!(failed.line().split_whitespace().nth(4), Some("FAILED"));
    }
}
