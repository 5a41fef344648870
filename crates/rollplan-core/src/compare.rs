//! What changed between two plans, for a reviewer approving a revision.
//!
//! Steps are matched by their title (which names the action, the nodes,
//! services and releases) with a Myers diff; a step that disappears in one
//! place and appears in another is reported as moved, not as removed and
//! added. Risks are compared on steps present in both plans.
//!
//! Cost, for N and M steps, S risk spans and D steps removed and added: the
//! diff O((N + M) · min(D, [`MAX_EDITS`])), moves O(N + M), the risks
//! O((N + M + S) log S) for the steps the diff keeps in place and about
//! O(√moved · (N + M + S) log S) for the moved ones (see [`compare`]), plus
//! the size of the answer (each change is made once and sorted once). Two
//! 4,096-node plans compare in about 0.1 s, 0.3 s when they are unrelated.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt::Write;
use std::ops::Range;

use serde::Serialize;

use crate::diff::{Op, diff};
use crate::model::Cluster;
use crate::plan::{Action, AtRisk, Plan, Risk, RiskChanges, RiskKind, Step, Summary};

/// Past this many steps removed and added, the plans are not aligned step by
/// step: everything between their common first and last steps is reported as
/// removed and added, and a step found on both sides as moved rather than
/// kept in place. Why: an exact alignment costs O((N + M) · D), 3.4 s for two
/// unrelated 4,096-node plans and growing with the square of their size,
/// while a bounded one costs O((N + M) · `MAX_EDITS`), 0.3 s, for an alignment
/// that would keep almost nothing anyway. Revisions of one setting stay well
/// within it: a node declared elsewhere in a 512-node ring, which reorders
/// the whole upgrade, changes about 7,200 steps; a capacity or a duration, a
/// handful.
pub const MAX_EDITS: usize = 16_384;

/// One difference between the earlier plan and the revised one. Positions are 1-based step numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "change")]
pub enum Change {
    /// A step only the revised plan has, at `at` in it.
    Added { at: usize, title: String },
    /// A step only the earlier plan had, at `at` in it.
    Removed { at: usize, title: String },
    /// A step both plans have, at another position.
    Moved { from: usize, to: usize, title: String },
    /// A risk the revised plan has at a step the earlier one had without it.
    RiskAppeared { at: usize, title: String, kind: RiskKind, service: String, message: String },
    /// A risk the earlier plan had at a step the revised one has without it.
    RiskGone { at: usize, title: String, kind: RiskKind, service: String, message: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub changes: Vec<Change>,
    pub before: Summary,
    pub after: Summary,
}

impl Comparison {
    /// Whether the two plans have the same steps, in the same order, with the same risks.
    pub fn is_same(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Compares an earlier plan with a revised one.
pub fn compare(before: (&Cluster, &Plan), after: (&Cluster, &Plan)) -> Comparison {
    let (old, new) = (&before.1.steps, &after.1.steps);
    // Steps as numbers: the diff compares them O((N + M) · D) times. A
    // drain or failback is the same step only if it makes the same moves.
    let (old_keys, new_keys) = (step_keys(before.0, old), step_keys(after.0, new));
    let mut titles: HashMap<&str, usize> = HashMap::new();
    let old_titles: Vec<usize> = old_keys.iter().map(|key| intern(&mut titles, key)).collect();
    let new_titles: Vec<usize> = new_keys.iter().map(|key| intern(&mut titles, key)).collect();
    let mut removed: Vec<(usize, usize)> = Vec::new();
    let mut added: Vec<(usize, usize)> = Vec::new();
    // (earlier, revised) positions of the same step, increasing in both.
    let mut matched: Vec<(usize, usize)> = Vec::new();
    for op in diff(&old_titles, &new_titles, MAX_EDITS) {
        match op {
            Op::Equal { old: o, new: n, len } => matched.extend((o..o + len).zip(n..n + len)),
            Op::Delete { old: o, len } => removed.extend(numbered(&old_titles, o..o + len)),
            Op::Insert { new: n, len } => added.extend(numbered(&new_titles, n..n + len)),
        }
    }
    // A removed step whose title is added elsewhere moved: in the earlier
    // plan's order, each takes the first added step of its title still free.
    let mut free: HashMap<usize, VecDeque<usize>> = HashMap::new();
    for &(n, title) in &added {
        free.entry(title).or_default().push_back(n);
    }
    let mut taken = vec![false; new.len()];
    let mut moved: Vec<(usize, usize)> = Vec::new();
    removed.retain(|&(o, title)| match free.get_mut(&title).and_then(VecDeque::pop_front) {
        Some(n) => {
            if let Some(slot) = taken.get_mut(n) {
                *slot = true;
            }
            moved.push((o, n));
            false
        }
        None => true,
    });
    added.retain(|&(n, _)| !taken.get(n).copied().unwrap_or(false));
    let title = |steps: &[Step], at: usize| steps.get(at).map_or("", |s| s.title.as_str()).to_owned();
    let mut changes = Vec::new();
    for &(o, _) in &removed {
        changes.push(Change::Removed { at: o + 1, title: title(old, o) });
    }
    for &(n, _) in &added {
        changes.push(Change::Added { at: n + 1, title: title(new, n) });
    }
    for &(o, n) in &moved {
        changes.push(Change::Moved { from: o + 1, to: n + 1, title: title(new, n) });
    }
    let mut risks = Sweep::new(before, after);
    // Increasing on both sides: each cursor walks its plan once.
    for &(o, n) in &matched {
        risks.compare_after(o, n, &mut changes);
    }
    // Moved pairs are out of order in the earlier plan: taken in the revised
    // plan's order, its cursor would cross the earlier plan once per pair,
    // O(moved · (N + S)). In Mo's order (bands of √moved pairs' worth of
    // earlier steps, alternately up and down the revised plan) each cursor
    // walks its plan about √moved times in all, which is O(√moved · (N + M + S))
    // when risks begin and end all along the plans, as they do (a step changes
    // the risks of the services it touches). Snapshots of the risks at each
    // moved step would instead cost O(moved · risks standing), time and memory.
    let band = (old.len() / moved.len().isqrt().max(1)).max(1);
    moved.sort_unstable_by_key(|&(o, n)| (o / band, if (o / band).is_multiple_of(2) { n } else { usize::MAX - n }));
    for &(o, n) in &moved {
        risks.compare_after(o, n, &mut changes);
    }
    // Every revised step has its risk changes from one pair, made together in
    // the order below, so the order pairs were visited in does not show.
    changes.sort_by_key(position);
    Comparison { changes, before: before.1.summary.clone(), after: after.1.summary.clone() }
}

/// `text`'s number in `ids`, numbering it if new.
fn intern<'s>(ids: &mut HashMap<&'s str, usize>, text: &'s str) -> usize {
    let next = ids.len();
    *ids.entry(text).or_insert(next)
}

/// What makes two steps the same: the title, and for a step of several
/// moves every service and where it goes (a title names only the count).
fn step_keys(cluster: &Cluster, steps: &[Step]) -> Vec<String> {
    steps
        .iter()
        .map(|step| {
            let mut key = step.title.clone();
            if let Action::Drain { moves, .. } | Action::Failback { moves, .. } = &step.action {
                for m in moves {
                    let _ = write!(key, "\u{1f}{}>{}", cluster.service(m.service).name, cluster.node(m.to).name);
                }
            }
            key
        })
        .collect()
}

/// The titles in `range`, each with its 0-based position. The ranges come
/// from the diff of these very titles, so they are in range; one that were
/// not would yield no steps rather than panic.
fn numbered(titles: &[usize], range: Range<usize>) -> impl Iterator<Item = (usize, usize)> + '_ {
    let start = range.start;
    titles.get(range).unwrap_or_default().iter().enumerate().map(move |(i, &title)| (start + i, title))
}

fn position(change: &Change) -> (usize, u8) {
    match change {
        Change::Removed { at, .. } => (*at, 0),
        Change::Added { at, .. } => (*at, 1),
        Change::Moved { to, .. } => (*to, 2),
        Change::RiskAppeared { at, .. } => (*at, 3),
        Change::RiskGone { at, .. } => (*at, 4),
    }
}

/// The risks standing after one step of each plan, compared by kind and
/// service name, with a cursor on each plan that moves a step at a time.
///
/// Why a sweep: asking each plan for the risks after each matched step
/// ([`Plan::risks_after`]) is O(S) a step, and comparing the two lists
/// O(risks²); over thousands of steps that is minutes. Moving a cursor one
/// step only touches the spans that begin or end there, and the keys whose
/// presence differs between the two sides are kept as a set, so a step's
/// answer costs what it reports. Assumes what the planner guarantees:
/// [`Plan::risks`] ordered by first step (as `risks_after` does).
struct Sweep<'p> {
    old: Side<'p>,
    new: Side<'p>,
    presence: Presence,
    /// Each key's service name.
    names: Vec<String>,
}

/// One plan, its spans by key, and its cursor.
struct Side<'p> {
    cluster: &'p Cluster,
    plan: &'p Plan,
    /// The key of each span; `None` for a span that stands after no step (last before first).
    keys: Vec<Option<usize>>,
    /// Per step, the spans that begin after it and those that end with it.
    events: Vec<RiskChanges>,
    /// The step whose risks are in [`Sweep::presence`].
    at: usize,
}

/// The spans standing at the two cursors, by key.
struct Presence {
    /// Per key, the spans of each side standing at its cursor (a set, as a
    /// plan not from the planner could repeat a key).
    standing: Vec<Standing>,
    /// The keys standing on one side only: the risk changes at the cursors.
    differing: BTreeSet<usize>,
}

#[derive(Default)]
struct Standing {
    old: BTreeSet<usize>,
    new: BTreeSet<usize>,
}

#[derive(Clone, Copy)]
enum Which {
    Old,
    New,
}

impl<'p> Sweep<'p> {
    fn new(before: (&'p Cluster, &'p Plan), after: (&'p Cluster, &'p Plan)) -> Self {
        let mut ids: HashMap<(RiskKind, bool, String), usize> = HashMap::new();
        let mut names = Vec::new();
        let mut side = |(cluster, plan): (&'p Cluster, &'p Plan)| {
            let keys = plan
                .risks
                .iter()
                .map(|span| {
                    let name = at_risk(cluster, &span.risk);
                    let next = ids.len();
                    let spread = span.risk.node().is_none();
                    let id = *ids.entry((span.risk.kind, spread, name.clone())).or_insert(next);
                    if id == next {
                        names.push(name);
                    }
                    (span.first <= span.last).then_some(id)
                })
                .collect();
            Side { cluster, plan, keys, events: plan.risk_changes(), at: 0 }
        };
        let (old, new) = (side(before), side(after));
        let mut standing = Vec::new();
        standing.resize_with(names.len(), Standing::default);
        let mut presence = Presence { standing, differing: BTreeSet::new() };
        for (which, side) in [(Which::Old, &old), (Which::New, &new)] {
            for &span in side.events.first().map(|e| e.begin.as_slice()).unwrap_or_default() {
                presence.update(which, side.key(span), span, true);
            }
        }
        Sweep { old, new, presence, names }
    }

    /// Adds the risk changes after step `o` of the earlier plan and step `n`
    /// of the revised one, the same step: appeared risks in the revised
    /// plan's order, then gone ones in the earlier plan's.
    fn compare_after(&mut self, o: usize, n: usize, changes: &mut Vec<Change>) {
        self.old.seek(Which::Old, o, &mut self.presence);
        self.new.seek(Which::New, n, &mut self.presence);
        let mut appeared: Vec<(usize, usize)> = Vec::new();
        let mut gone: Vec<(usize, usize)> = Vec::new();
        for &key in &self.presence.differing {
            if let Some(standing) = self.presence.standing.get(key) {
                appeared.extend(standing.new.iter().map(|&span| (span, key)));
                gone.extend(standing.old.iter().map(|&span| (span, key)));
            }
        }
        appeared.sort_unstable();
        gone.sort_unstable();
        let at = n + 1;
        let title = self.new.plan.steps.get(n).map_or("", |s| s.title.as_str());
        let service = |key: usize| self.names.get(key).cloned().unwrap_or_default();
        for (span, key) in appeared {
            if let Some(span) = self.new.plan.risks.get(span) {
                let (kind, message) = (span.risk.kind, span.risk.message(self.new.cluster));
                changes.push(Change::RiskAppeared {
                    at,
                    title: title.to_owned(),
                    kind,
                    service: service(key),
                    message,
                });
            }
        }
        for (span, key) in gone {
            if let Some(span) = self.old.plan.risks.get(span) {
                let (kind, message) = (span.risk.kind, span.risk.message(self.old.cluster));
                changes.push(Change::RiskGone { at, title: title.to_owned(), kind, service: service(key), message });
            }
        }
    }
}

/// Who a risk is about, as the comparison keys and names it: the service;
/// for services on several nodes, which it does not name, its sentence (the
/// target, the releases and how many).
fn at_risk(cluster: &Cluster, risk: &Risk) -> String {
    match risk.at {
        AtRisk::Service { service, .. } => cluster.services().get(service).map_or("", |s| s.name.as_str()).to_owned(),
        AtRisk::Replicated { service, .. } => {
            cluster.replicated().get(service).map_or("", |s| s.name.as_str()).to_owned()
        }
        AtRisk::Nodes { .. } | AtRisk::Rule { .. } => risk.message(cluster),
    }
}

impl Side<'_> {
    fn key(&self, span: usize) -> Option<usize> {
        self.keys.get(span).copied().flatten()
    }

    /// Moves the cursor to step `to`, a step at a time, either way: forward,
    /// the spans ending with this step leave and those beginning after the
    /// next one enter; backward, the reverse.
    fn seek(&mut self, which: Which, to: usize, presence: &mut Presence) {
        while self.at != to {
            let (next, leaving, entering) = if self.at < to {
                (self.at + 1, self.events.get(self.at).map(|e| &e.end), self.events.get(self.at + 1).map(|e| &e.begin))
            } else {
                (self.at - 1, self.events.get(self.at).map(|e| &e.begin), self.events.get(self.at - 1).map(|e| &e.end))
            };
            for &span in leaving.map(Vec::as_slice).unwrap_or_default() {
                presence.update(which, self.key(span), span, false);
            }
            for &span in entering.map(Vec::as_slice).unwrap_or_default() {
                presence.update(which, self.key(span), span, true);
            }
            self.at = next;
        }
    }
}

impl Presence {
    /// Span `span` of side `which`, of key `key`, now stands or no longer does.
    fn update(&mut self, which: Which, key: Option<usize>, span: usize, stands: bool) {
        let Some((key, standing)) = key.and_then(|key| Some((key, self.standing.get_mut(key)?))) else { return };
        let set = match which {
            Which::Old => &mut standing.old,
            Which::New => &mut standing.new,
        };
        if stands {
            set.insert(span);
        } else {
            set.remove(&span);
        }
        if standing.old.is_empty() == standing.new.is_empty() {
            self.differing.remove(&key);
        } else {
            self.differing.insert(key);
        }
    }
}

/// The comparison as text, one change per line (the CLI's output). Added,
/// moved and risk lines use the revised plan's step numbers; removed lines
/// the earlier plan's.
pub fn comparison_text(comparison: &Comparison) -> String {
    let mut out = String::new();
    if comparison.is_same() {
        out.push_str("The plans are the same: same steps, same order, same risks.\n");
    }
    for change in &comparison.changes {
        let _ = match change {
            Change::Added { at, title } => writeln!(out, "+ added as step {at}: {title}"),
            Change::Removed { at, title } => writeln!(out, "- removed (was step {at}): {title}"),
            Change::Moved { from, to, title } => writeln!(out, "~ moved from step {from} to step {to}: {title}"),
            Change::RiskAppeared { at, kind, message, .. } => {
                writeln!(out, "! step {at} gains {}: {message}", kind.as_str())
            }
            Change::RiskGone { at, kind, message, .. } => {
                writeln!(out, "✓ step {at} no longer has {}: {message}", kind.as_str())
            }
        };
    }
    let (b, a) = (&comparison.before, &comparison.after);
    let _ = writeln!(
        out,
        "steps {} -> {}, moves {} -> {}, services offline {} -> {}, outage minutes {} -> {}, mixed-version steps {} -> {}",
        b.steps,
        a.steps,
        b.moves,
        a.moves,
        b.services_offline,
        a.services_offline,
        b.outage_minutes,
        a.outage_minutes,
        b.mixed_version_steps,
        a.mixed_version_steps
    );
    out
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::ops::Range;

    use proptest::prelude::*;
    use proptest::test_runner::TestRunner;

    use super::at_risk;
    use super::step_keys;
    use super::{Change, Comparison, compare, position};
    use crate::arbitrary;
    use crate::diff::{Op, diff};
    use crate::model::{Cluster, Failback};
    use crate::plan::{Outcome, Plan, Risk, Step, plan};

    // The reference: the comparison before the sweep (quadratic in steps and
    // risks), as it was but for its name and the diff's explicit `usize::MAX`
    // (no bound: it never applies to these small plans anyway).
    fn reference(before: (&Cluster, &Plan), after: (&Cluster, &Plan)) -> Comparison {
        let (old, new) = (&before.1.steps, &after.1.steps);
        let (old_keys, new_keys) = (step_keys(before.0, old), step_keys(after.0, new));
        let old_titles: Vec<&str> = old_keys.iter().map(String::as_str).collect();
        let new_titles: Vec<&str> = new_keys.iter().map(String::as_str).collect();
        let mut removed: Vec<Numbered<'_>> = Vec::new();
        let mut added: Vec<Numbered<'_>> = Vec::new();
        // (earlier, revised) pairs of the same step.
        let mut matched: Vec<(Numbered<'_>, Numbered<'_>)> = Vec::new();
        for op in diff(&old_titles, &new_titles, usize::MAX) {
            match op {
                Op::Equal { old: o, new: n, len } => {
                    matched.extend(numbered(old, o..o + len).zip(numbered(new, n..n + len)));
                }
                Op::Delete { old: o, len } => removed.extend(numbered(old, o..o + len)),
                Op::Insert { new: n, len } => added.extend(numbered(new, n..n + len)),
            }
        }
        let mut changes = Vec::new();
        // A removed step whose title is added elsewhere moved.
        let mut moved: Vec<(Numbered<'_>, Numbered<'_>)> = Vec::new();
        removed.retain(|&(o, old_step)| match added.iter().position(|&(n, _)| new_keys[n] == old_keys[o]) {
            Some(found) => {
                moved.push(((o, old_step), added.remove(found)));
                false
            }
            None => true,
        });
        for &(o, step) in &removed {
            changes.push(Change::Removed { at: o + 1, title: step.title.clone() });
        }
        for &(n, step) in &added {
            changes.push(Change::Added { at: n + 1, title: step.title.clone() });
        }
        for &((o, _), (n, step)) in &moved {
            changes.push(Change::Moved { from: o + 1, to: n + 1, title: step.title.clone() });
        }
        matched.extend(moved);
        matched.sort_by_key(|&(_, (n, _))| n);
        for ((o, _), (n, new_step)) in matched {
            risk_changes((before.0, before.1, o), (after.0, after.1, n), &new_step.title, &mut changes);
        }
        changes.sort_by_key(position);
        Comparison { changes, before: before.1.summary.clone(), after: after.1.summary.clone() }
    }

    /// A step with its 0-based position in its plan.
    type Numbered<'p> = (usize, &'p Step);

    /// The steps in `range`, each with its 0-based position. The ranges come
    /// from the diff of these very steps, so they are in range; one that were
    /// not would yield no steps rather than panic.
    fn numbered(steps: &[Step], range: Range<usize>) -> impl Iterator<Item = Numbered<'_>> {
        let start = range.start;
        steps.get(range).unwrap_or_default().iter().enumerate().map(move |(i, step)| (start + i, step))
    }

    /// The risks after one step both plans have, compared by kind and service.
    /// Each side is a cluster, its plan and the step's 0-based position in it.
    fn risk_changes(
        (old_cluster, old_plan, old_step): (&Cluster, &Plan, usize),
        (new_cluster, new_plan, new_step): (&Cluster, &Plan, usize),
        title: &str,
        changes: &mut Vec<Change>,
    ) {
        let key = |cluster: &Cluster, risk: &Risk| (risk.kind, risk.node().is_none(), at_risk(cluster, risk));
        let old: Vec<&Risk> = old_plan.risks_after(old_step).collect();
        let new: Vec<&Risk> = new_plan.risks_after(new_step).collect();
        let old_keys: Vec<_> = old.iter().map(|r| key(old_cluster, r)).collect();
        let new_keys: Vec<_> = new.iter().map(|r| key(new_cluster, r)).collect();
        let at = new_step + 1;
        for (risk, k) in new.iter().zip(&new_keys) {
            if !old_keys.contains(k) {
                changes.push(Change::RiskAppeared {
                    at,
                    title: title.to_owned(),
                    kind: risk.kind,
                    service: k.2.clone(),
                    message: risk.message(new_cluster),
                });
            }
        }
        for (risk, k) in old.iter().zip(&old_keys) {
            if !new_keys.contains(k) {
                changes.push(Change::RiskGone {
                    at,
                    title: title.to_owned(),
                    kind: risk.kind,
                    service: k.2.clone(),
                    message: risk.message(old_cluster),
                });
            }
        }
    }

    /// A revision of `cluster`: each edit declares two nodes in each other's
    /// place (the plan makes the same upgrades in another order: moved
    /// steps), changes a capacity, the failback policy or the outage policy,
    /// reorders a service's owners, or drops a service.
    fn revise(cluster: &Cluster, edits: &[(u8, usize, usize)]) -> Cluster {
        let (_, components, mut nodes, mut services, mut policy) = cluster.to_parts();
        let count = nodes.len();
        for &(what, x, y) in edits {
            match what {
                0 => {
                    let (i, j) = (x % count, y % count);
                    nodes.swap(i, j);
                    let swap = |n: usize| {
                        if n == i {
                            j
                        } else if n == j {
                            i
                        } else {
                            n
                        }
                    };
                    for service in &mut services {
                        service.on = swap(service.on);
                        // Every node, in declaration order, is now another order.
                        let owners = service.owners.get_or_insert_with(|| (0..count).collect());
                        for owner in owners.iter_mut() {
                            *owner = swap(*owner);
                        }
                    }
                }
                1 => nodes[x % count].capacity = (y % 5 < 4).then_some((y % 5) as u32),
                2 => policy.failback = [Failback::None, Failback::Original, Failback::Verify][y % 3],
                3 if !services.is_empty() => {
                    let len = services.len();
                    services[x % len].owners.get_or_insert_with(|| (0..count).collect()).rotate_left(1);
                }
                4 => {
                    services.pop();
                }
                _ => policy.allow_outage = !policy.allow_outage,
            }
        }
        arbitrary::Draft { components, nodes, services, policy }.build()
    }

    /// Mostly a cluster and a revision of it; sometimes two unrelated clusters.
    fn pairs() -> impl Strategy<Value = (Cluster, Cluster)> {
        prop_oneof![
            1 => (arbitrary::cluster(12, 20), arbitrary::cluster(12, 20)),
            5 => (arbitrary::cluster(12, 20), prop::collection::vec((0u8..6, any::<usize>(), any::<usize>()), 0..4))
                .prop_map(|(cluster, edits)| {
                    let revised = revise(&cluster, &edits);
                    (cluster, revised)
                }),
        ]
    }

    /// Plan `plan` with the steps in `x..=y` in reverse order (their risks
    /// stay with the positions) and step `w` titled like step `z`: no planner
    /// makes such plans, but they have many moves out of order, and titles
    /// more than once.
    fn scramble(plan: &Plan, [x, y, z, w]: [usize; 4]) -> Plan {
        let mut scrambled = plan.clone();
        let len = scrambled.steps.len();
        if len > 0 {
            let (from, to) = (x % len, y % len);
            scrambled.steps[from.min(to)..=from.max(to)].reverse();
            scrambled.steps[w % len].title = scrambled.steps[z % len].title.clone();
        }
        scrambled
    }

    /// The sweep gives the reference's comparison, change for change, both
    /// ways round, for plans as planned and scrambled; and the cases do
    /// exercise moves and risk changes.
    #[test]
    fn the_sweep_compares_like_the_quadratic_reference() {
        let (moves, risks) = (Cell::new(0), Cell::new(0));
        let mut runner = TestRunner::new(ProptestConfig { cases: 300, ..ProptestConfig::default() });
        let result = runner.run(&(pairs(), any::<[usize; 4]>()), |((a, b), how)| {
            let (Outcome::Planned(plan_a), Outcome::Planned(plan_b)) = (plan(&a), plan(&b)) else { return Ok(()) };
            let scrambled = scramble(&plan_b, how);
            for (before, after) in [
                ((&a, &plan_a), (&b, &plan_b)),
                ((&b, &plan_b), (&a, &plan_a)),
                ((&a, &plan_a), (&b, &scrambled)),
                ((&b, &scrambled), (&a, &plan_a)),
                ((&b, &plan_b), (&b, &scrambled)),
            ] {
                let swept: Comparison = compare(before, after);
                prop_assert_eq!(&swept, &reference(before, after));
                let count = |pick: fn(&Change) -> bool| swept.changes.iter().filter(|c| pick(c)).count();
                moves.set(moves.get() + count(|c| matches!(c, Change::Moved { .. })));
                risks.set(risks.get() + count(|c| matches!(c, Change::RiskAppeared { .. } | Change::RiskGone { .. })));
            }
            Ok(())
        });
        if let Err(failure) = result {
            panic!("{failure}");
        }
        assert!(moves.get() > 1_000 && risks.get() > 1_000, "{} moves, {} risk changes", moves.get(), risks.get());
    }
}
