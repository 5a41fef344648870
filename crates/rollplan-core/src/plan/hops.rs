//! Why the planner cannot go on when every node whose turn it is waits for
//! a hop that a skew rule holds back: the `skew` or `path` blocked reason,
//! with the rule, the nodes and releases that collide, and what would
//! unblock it (a looser limit, a stop on the way, or a path that lets a
//! release be skipped). Which hops may be taken is the scratch model's
//! ([`super::sim::Sim::next_hops`]); the rules themselves are [`crate::skew`]'s.

use std::fmt::Write as _;

use super::sim::Sim;
use super::{Blocked, BlockingRule, Hop};
use crate::model::{ComponentId, NodeId, ReleasePath, SkewLevel, SkewLimit, SkewRule};
use crate::skew::{self, Gap};

/// The reason no node of `waiting` (those whose turn it is, none of which
/// may take a hop of a component of `among`) can go on: the refused hop
/// that says most about a way out (one a stop on the way would let
/// through, then one its path forces), else the first.
pub(super) fn skew_blocks(sim: &Sim<'_>, waiting: &[NodeId], among: &[ComponentId]) -> Blocked {
    let cluster = sim.cluster;
    let mut refused = Vec::new();
    for &node in waiting {
        let hops = sim.hops_ahead(node, among);
        for hop in &hops {
            if let Some((index, rule, gap)) = broken_by(sim, node, std::slice::from_ref(hop)) {
                let stop = allowed_stop(sim, node, hop);
                let forced = path_forced(sim, node, hop, &hops);
                refused.push(Refused { node, hop: hop.clone(), index, rule, gap, stop, forced });
            }
        }
    }
    let chosen = refused
        .iter()
        .position(|r| r.stop.is_some())
        .or_else(|| refused.iter().position(|r| r.forced))
        .and_then(|at| refused.get(at))
        .or_else(|| refused.first());
    let Some(Refused { node, hop, index, rule, gap, stop, forced }) = chosen else {
        // Not a skew rule after all: a broken invariant of the scratch model.
        return Blocked {
            rule: BlockingRule::Internal,
            service: None,
            node: None,
            message: "rollplan stopped planning because one of its internal invariants does not hold (nodes wait for hops no rule holds back): no plan was made, but none is ruled out".to_owned(),
            unblock: vec!["this is a bug in rollplan, not in the description: please report it with the description".to_owned()],
        };
    };
    let component = cluster.component(hop.component);
    let node_name = &cluster.node(*node).name;
    let mut message = format!(
        "no node can take its next upgrade without breaking skew rule {} (skew[{index}]): after {} {} → {} on {node_name}, {}",
        skew::describe_rule(cluster, rule),
        component.name,
        hop.from,
        hop.to,
        gap.describe(cluster, rule)
    );
    let others: Vec<&str> = waiting.iter().filter(|&n| n != node).map(|&n| cluster.node(n).name.as_str()).collect();
    if !others.is_empty() {
        let _ = write!(message, "; every other node with upgrades left ({}) is held back as well", others.join(", "));
    }
    let mut unblock = Vec::new();
    if let Some(stop) = stop {
        // With the stops it has, in release order.
        let mut stops: Vec<&str> = match &component.path {
            ReleasePath::Stops(stops) => stops.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        stops.push(stop);
        stops.sort_by_key(|release| component.position(release));
        unblock.push(format!(
            "add stop {stop} to `{}` (`stops: [{}]`), so that it gets there in two hops",
            component.name,
            stops.join(", ")
        ));
    }
    if *forced {
        unblock.push(match &component.path {
            ReleasePath::Stops(_) => format!("take {} out of the `stops` of `{}`", hop.to, component.name),
            _ => format!(
                "let `{}` skip {}: drop `path: sequential`, or name only the stops it needs",
                component.name, hop.to
            ),
        });
    }
    unblock.push(loosen(cluster, rule, gap));
    let blocking = if *forced && stop.is_none() { BlockingRule::Path } else { BlockingRule::Skew };
    Blocked { rule: blocking, service: None, node: Some(node_name.clone()), message, unblock }
}

/// A hop the skew rules hold back, and the ways out it offers.
struct Refused<'c> {
    node: NodeId,
    hop: Hop,
    index: usize,
    rule: &'c SkewRule,
    gap: Gap,
    /// A release on the way that the rules would let the node go to now.
    stop: Option<String>,
    /// Whether the hop stops short of the target only because the path
    /// says so, and going straight on (with the node's other hops) would keep the rules.
    forced: bool,
}

/// Whether `hop` stops short of its target only because the component's
/// path makes it, while going straight to the target, with the node's
/// other next `hops` in the same step, would keep every rule.
fn path_forced(sim: &Sim<'_>, node: NodeId, hop: &Hop, hops: &[Hop]) -> bool {
    let component = sim.cluster.component(hop.component);
    if hop.to == component.target {
        return false;
    }
    let straight: Vec<Hop> = hops
        .iter()
        .map(|other| {
            if other.component == hop.component {
                Hop { to: component.target.clone(), ..hop.clone() }
            } else {
                other.clone()
            }
        })
        .collect();
    broken_by(sim, node, &straight).is_none()
}

/// The first skew rule of level `error` that `hops` on `node`, taken in
/// one step, would break, with its place in the description and the gap it would leave.
fn broken_by<'c>(sim: &Sim<'c>, node: NodeId, hops: &[Hop]) -> Option<(usize, &'c SkewRule, Gap)> {
    let cluster = sim.cluster;
    let release_of = |n: NodeId, c: ComponentId| {
        let hop = hops.iter().find(|hop| n == node && hop.component == c);
        hop.map(|hop| hop.to.as_str()).or_else(|| sim.state.node(n).version(c))
    };
    cluster.skew_rules().iter().enumerate().find_map(|(index, rule)| {
        if rule.level != SkewLevel::Error || !hops.iter().any(|hop| skew::concerns(rule, hop.component)) {
            return None;
        }
        Some((index, rule, skew::breach(cluster, rule, release_of)?))
    })
}

/// A release between `hop.from` and `hop.to` that the node could go to now.
fn allowed_stop(sim: &Sim<'_>, node: NodeId, hop: &Hop) -> Option<String> {
    let component = sim.cluster.component(hop.component);
    let (from, to) = (component.position(&hop.from)?, component.position(&hop.to)?);
    component.releases.get(from + 1..to)?.iter().rev().find_map(|release| {
        let stop = Hop { to: release.clone(), ..hop.clone() };
        broken_by(sim, node, &[stop]).is_none().then(|| release.clone())
    })
}

/// The change to the rule that would let the hop through.
fn loosen(cluster: &crate::model::Cluster, rule: &SkewRule, gap: &Gap) -> String {
    let name = |id: ComponentId| cluster.component(id).name.as_str();
    let more = gap.by.saturating_sub(gap.limit as usize);
    let plural = if more == 1 { "" } else { "s" };
    match rule.limit {
        SkewLimit::Spread(_) => format!(
            "allow the releases of `{}` to spread {more} more release{plural} (`max_spread: {}`)",
            name(rule.component),
            gap.by
        ),
        SkewLimit::Against { against, .. } => {
            let (way, field) = if gap.newer { ("newer", "max_newer") } else { ("older", "max_older") };
            format!(
                "allow `{}` to be {more} more release{plural} {way} than `{}` (`{field}: {}`)",
                name(rule.component),
                name(against),
                gap.by
            )
        }
    }
}
