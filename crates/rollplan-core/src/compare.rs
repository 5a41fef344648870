//! What changed between two plans, for a reviewer approving a revision.
//!
//! Steps are matched by their title (which names the action, the nodes,
//! services and releases) with a Myers diff; a step that disappears in one
//! place and appears in another is reported as moved, not as removed and
//! added. Risks are compared on steps present in both plans.

use std::fmt::Write;
use std::ops::Range;

use serde::Serialize;

use crate::diff::{Op, diff};
use crate::model::Cluster;
use crate::plan::{Plan, Risk, RiskKind, Step, Summary};

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
    let old_titles: Vec<&str> = old.iter().map(|s| s.title.as_str()).collect();
    let new_titles: Vec<&str> = new.iter().map(|s| s.title.as_str()).collect();
    let mut removed: Vec<Numbered<'_>> = Vec::new();
    let mut added: Vec<Numbered<'_>> = Vec::new();
    // (earlier, revised) pairs of the same step.
    let mut matched: Vec<(Numbered<'_>, Numbered<'_>)> = Vec::new();
    for op in diff(&old_titles, &new_titles) {
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
    removed.retain(|&(o, old_step)| match added.iter().position(|&(_, new_step)| new_step.title == old_step.title) {
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

fn position(change: &Change) -> (usize, u8) {
    match change {
        Change::Removed { at, .. } => (*at, 0),
        Change::Added { at, .. } => (*at, 1),
        Change::Moved { to, .. } => (*to, 2),
        Change::RiskAppeared { at, .. } => (*at, 3),
        Change::RiskGone { at, .. } => (*at, 4),
    }
}

/// The risks after one step both plans have, compared by kind and service.
/// Each side is a cluster, its plan and the step's 0-based position in it.
fn risk_changes(
    (old_cluster, old_plan, old_step): (&Cluster, &Plan, usize),
    (new_cluster, new_plan, new_step): (&Cluster, &Plan, usize),
    title: &str,
    changes: &mut Vec<Change>,
) {
    let key = |cluster: &Cluster, kind: RiskKind, service: usize| {
        (kind, cluster.services.get(service).map_or("", |s| s.name.as_str()).to_owned())
    };
    let old: Vec<&Risk> = old_plan.risks_after(old_step).collect();
    let new: Vec<&Risk> = new_plan.risks_after(new_step).collect();
    let old_keys: Vec<_> = old.iter().map(|r| key(old_cluster, r.kind, r.service)).collect();
    let new_keys: Vec<_> = new.iter().map(|r| key(new_cluster, r.kind, r.service)).collect();
    let at = new_step + 1;
    for (risk, k) in new.iter().zip(&new_keys) {
        if !old_keys.contains(k) {
            changes.push(Change::RiskAppeared {
                at,
                title: title.to_owned(),
                kind: risk.kind,
                service: k.1.clone(),
                message: risk.message.clone(),
            });
        }
    }
    for (risk, k) in old.iter().zip(&old_keys) {
        if !new_keys.contains(k) {
            changes.push(Change::RiskGone {
                at,
                title: title.to_owned(),
                kind: risk.kind,
                service: k.1.clone(),
                message: risk.message.clone(),
            });
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
