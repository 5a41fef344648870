//! Waves and time: which wave each step belongs to, and how long a plan
//! takes on the wall clock when the nodes of a wave are worked on at once.
//!
//! A wave is read off the steps, not kept beside them: it begins with a
//! pause taken while every node is up and ends when every node is up again.
//! So the search, the recorded plan and (in its own words) the checker agree
//! on it, and `policy.max_down: 1` makes each node's work a wave of its own.

use std::collections::{BTreeMap, BTreeSet};

use super::Action;
use crate::model::{Cluster, NodeId};

/// The wave of each of `actions`, from 1. A wave takes in the steps since
/// the last node came back (the drains, moves and failbacks that prepare
/// its pauses); the steps after the last node came back belong to the last
/// wave, and a plan that pauses no node is one wave.
pub fn waves<'a>(actions: impl IntoIterator<Item = &'a Action>) -> Vec<usize> {
    let mut waves: Vec<usize> = Vec::new();
    let mut down: BTreeSet<NodeId> = BTreeSet::new();
    let mut wave = 0usize;
    // Steps taken while every node was up, not yet given a wave.
    let mut unassigned = 0usize;
    for action in actions {
        match action {
            Action::Pause { node } => {
                if down.is_empty() {
                    wave += 1;
                }
                down.insert(*node);
            }
            Action::Resume { node } => {
                down.remove(node);
            }
            _ => {}
        }
        waves.push(wave);
        if down.is_empty() && !matches!(action, Action::Resume { .. }) {
            unassigned += 1;
        } else {
            let from = waves.len() - 1 - unassigned;
            for slot in waves.get_mut(from..).unwrap_or_default() {
                *slot = wave;
            }
            unassigned = 0;
        }
    }
    let last = wave.max(1);
    let from = waves.len() - unassigned;
    for slot in waves.get_mut(from..).unwrap_or_default() {
        *slot = last;
    }
    waves
}

/// How long a plan takes, in minutes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Times {
    /// On the wall clock: each wave as long as its slowest node (a node's
    /// drain, the step right before its pause, and its pause, upgrades and
    /// resume), plus its other steps one after another; a run of failbacks
    /// that may go at the same time ([`parallel_runs`]) as long as the
    /// slowest node's share of it.
    pub wall_clock: u32,
    /// Every step's minutes added up: the work, whoever does it.
    pub work: u32,
    /// Whether some step's duration is unknown, so both are lower bounds.
    pub incomplete: bool,
}

/// The node whose own work step `index` of `steps` is: a node's pause,
/// upgrade and resume, and its drain (or the move of its one service) right
/// before its pause. Other steps come one after another.
fn worked_on(steps: &[(&Action, Option<u32>, usize)], index: usize) -> Option<NodeId> {
    let (action, _, _) = steps.get(index)?;
    let next = steps.get(index + 1).map(|(action, _, _)| *action);
    match action {
        Action::Pause { node } | Action::Upgrade { node, .. } | Action::Resume { node } => Some(*node),
        _ => prepares_pause(action, next),
    }
}

/// The node `action` drains (or moves its one service off) when `next` pauses it.
fn prepares_pause(action: &Action, next: Option<&Action>) -> Option<NodeId> {
    match (action, next) {
        (Action::Drain { node, .. } | Action::Move { from: node, .. }, Some(Action::Pause { node: paused }))
            if node == paused =>
        {
            Some(*node)
        }
        _ => None,
    }
}

/// The node a failback brings services back to: every move of it goes to
/// its service's own node (`on`), and it is not a node's drain.
fn returned_to(cluster: &Cluster, action: &Action, next: Option<&Action>) -> Option<NodeId> {
    let home = action.moves().iter().all(|m| cluster.services().get(m.service).is_some_and(|s| s.on == m.to));
    returned_to_any(action, next).filter(|_| home)
}

/// The times of steps given as (action, minutes, wave), in order; `runs`:
/// for each step, the first step of the run of failbacks it goes at the
/// same time with ([`parallel_runs`]), if any.
pub fn times(steps: &[(&Action, Option<u32>, usize)], runs: &[Option<usize>]) -> Times {
    let mut times = Times::default();
    let mut wave = 0usize;
    let mut nodes: BTreeMap<NodeId, u32> = BTreeMap::new();
    let mut serial = 0u32;
    let mut run: Option<usize> = None;
    let mut returned: BTreeMap<NodeId, u32> = BTreeMap::new();
    let slowest = |spent: &mut BTreeMap<NodeId, u32>| {
        let most = spent.values().copied().max().unwrap_or(0);
        spent.clear();
        most
    };
    for (index, &(action, minutes, step_wave)) in steps.iter().enumerate() {
        let in_run = runs.get(index).copied().flatten();
        if in_run != run {
            times.wall_clock = times.wall_clock.saturating_add(slowest(&mut returned));
            run = in_run;
        }
        if step_wave != wave {
            times.wall_clock = times.wall_clock.saturating_add(slowest(&mut nodes)).saturating_add(serial);
            serial = 0;
            wave = step_wave;
        }
        let minutes = minutes.unwrap_or_else(|| {
            times.incomplete = true;
            0
        });
        times.work = times.work.saturating_add(minutes);
        let next = steps.get(index + 1).map(|(action, _, _)| *action);
        let node = worked_on(steps, index);
        if in_run.is_some()
            && let Some(home) = returned_to_any(action, next)
        {
            let spent = returned.entry(home).or_insert(0);
            *spent = spent.saturating_add(minutes);
            continue;
        }
        match node {
            Some(node) => {
                let spent = nodes.entry(node).or_insert(0);
                *spent = spent.saturating_add(minutes);
            }
            None => serial = serial.saturating_add(minutes),
        }
    }
    times.wall_clock = times
        .wall_clock
        .saturating_add(slowest(&mut returned))
        .saturating_add(slowest(&mut nodes))
        .saturating_add(serial);
    times
}

/// The node a step that is not a node's drain moves services to: for a
/// step of a parallel run, the node it returns them to (the run was found
/// with [`returned_to`], which also checked they go home).
fn returned_to_any(action: &Action, next: Option<&Action>) -> Option<NodeId> {
    match action {
        Action::Failback { node, .. } | Action::Verify { to: node, .. } | Action::Move { to: node, .. }
            if prepares_pause(action, next).is_none() =>
        {
            Some(*node)
        }
        _ => None,
    }
}

/// For each of `actions`, the first step of the run of failbacks it may go
/// at the same time with, if any. With waves (`policy.max_down` above 1), a
/// run is two or more steps in a row that each bring services back to
/// their own node (`on`), none of them twice, where every node has room
/// for all the run brings it with none of the run's services gone from it
/// yet: then the steps cannot get in each other's way, in any order. (With
/// `max_down: 1` a plan is carried out one step after another, as before
/// waves.)
pub fn parallel_runs(cluster: &Cluster, actions: &[&Action]) -> Vec<Option<usize>> {
    let mut runs = vec![None; actions.len()];
    if cluster.policy().max_down < 2 {
        return runs;
    }
    let mut location: Vec<NodeId> = cluster.services().iter().map(|service| service.on).collect();
    let mut hosted: Vec<usize> = vec![0; cluster.nodes().len()];
    for &node in &location {
        if let Some(count) = hosted.get_mut(node.index()) {
            *count += 1;
        }
    }
    let room = |node: NodeId| cluster.node(node).capacity.map_or(usize::MAX, |c| c as usize);
    let mut index = 0;
    while index < actions.len() {
        // The run of steps that bring services home, from here.
        let returning = |i: usize| {
            actions.get(i).is_some_and(|&action| returned_to(cluster, action, actions.get(i + 1).copied()).is_some())
        };
        let mut end = index;
        let mut moved: BTreeSet<usize> = BTreeSet::new();
        let mut gets: BTreeMap<NodeId, usize> = BTreeMap::new();
        while returning(end) {
            let Some(action) = actions.get(end) else { break };
            // All of the step's arrivals with the run's earlier ones, before any departure.
            let mut step: BTreeMap<NodeId, usize> = BTreeMap::new();
            let mut fresh = true;
            for m in action.moves() {
                fresh &= !moved.contains(&m.service.index());
                *step.entry(m.to).or_insert(0) += 1;
            }
            let fits = fresh
                && step.iter().all(|(&node, &arrivals)| {
                    let earlier = gets.get(&node).copied().unwrap_or(0);
                    hosted.get(node.index()).is_some_and(|&now| now + earlier + arrivals <= room(node))
                });
            if !fits {
                break;
            }
            moved.extend(action.moves().iter().map(|m| m.service.index()));
            for (node, arrivals) in step {
                *gets.entry(node).or_insert(0) += arrivals;
            }
            end += 1;
        }
        if end > index + 1 {
            for slot in runs.get_mut(index..end).unwrap_or_default() {
                *slot = Some(index);
            }
        }
        let next = end.max(index + 1);
        for action in actions.get(index..next).unwrap_or_default() {
            for m in action.moves() {
                if let Some(at) = location.get_mut(m.service.index()) {
                    if let Some(count) = hosted.get_mut(at.index()) {
                        *count = count.saturating_sub(1);
                    }
                    *at = m.to;
                    if let Some(count) = hosted.get_mut(m.to.index()) {
                        *count += 1;
                    }
                }
            }
        }
        index = next;
    }
    runs
}

/// The times of the plan made of `actions`, as recorded.
pub(super) fn of_actions(cluster: &Cluster, actions: &[Action]) -> Times {
    let waves = waves(actions);
    let steps: Vec<(&Action, Option<u32>, usize)> = actions
        .iter()
        .zip(waves)
        .map(|(action, wave)| (action, super::details::minutes(cluster, action), wave))
        .collect();
    let actions: Vec<&Action> = actions.iter().collect();
    times(&steps, &parallel_runs(cluster, &actions))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Id, ServiceId};
    use crate::plan::Move;

    fn node(i: usize) -> NodeId {
        NodeId::from_index(i)
    }

    #[test]
    fn a_wave_takes_in_what_prepares_its_pauses_and_the_last_takes_the_tail() {
        let (a, b, c) = (node(0), node(1), node(2));
        let service = ServiceId::from_index(0);
        let moved = Move { service, from: a, to: c };
        let actions = [
            Action::Pause { node: b },
            Action::Resume { node: b },
            Action::Drain { node: a, moves: vec![moved] },
            Action::Pause { node: a },
            Action::Pause { node: c },
            Action::Resume { node: a },
            Action::Resume { node: c },
            Action::Failback { node: a, moves: vec![], verify: false },
        ];
        assert_eq!(waves(&actions), [1, 1, 2, 2, 2, 2, 2, 2]);
        assert_eq!(waves(&[Action::Move { service, from: a, to: b }]), [1]);
        assert!(waves(&[]).is_empty());
    }

    /// A failback bringing two services to a node with room for one more
    /// cannot go at the same time as the move that takes its guest away:
    /// every arrival of a step counts before any departure.
    #[test]
    fn a_run_of_failbacks_needs_room_for_all_of_a_steps_arrivals() {
        let text = "format: 1\ncomponents:\n  os: {target: '2', minutes: 30}\nnodes:\n  - {name: A, versions: {os: '1'}, capacity: 2}\n  - {name: B, versions: {os: '1'}}\n  - {name: C, versions: {os: '1'}}\n  - {name: D, versions: {os: '1'}}\nservices:\n  - {name: S0, on: A}\n  - {name: S1, on: A}\n  - {name: S2, on: D}\npolicy: {max_down: 2, quorum: none}\n";
        let cluster = crate::validate_as(text, crate::Syntax::Yaml).cluster.unwrap();
        let id = |name: &str| cluster.service_named(name).unwrap();
        let (a, b, c, d) = (node(0), node(1), node(2), node(3));
        let shift = |service, from, to| Move { service, from, to };
        // S0 and S1 parked on B and C, S2 parked on A: A holds 1 of 2.
        let before = [
            Action::Move { service: id("S0"), from: a, to: b },
            Action::Move { service: id("S1"), from: a, to: c },
            Action::Move { service: id("S2"), from: d, to: a },
        ];
        let home =
            Action::Failback { node: a, moves: vec![shift(id("S0"), b, a), shift(id("S1"), c, a)], verify: false };
        let guest_leaves = Action::Move { service: id("S2"), from: a, to: d };
        let mut actions: Vec<&Action> = before.iter().collect();
        actions.extend([&home, &guest_leaves]);
        // Home first: A would hold 3 of 2 before the guest leaves, so no run.
        assert_eq!(parallel_runs(&cluster, &actions)[3..], [None, None]);
        // The guest gone (and something else between): S0 and S1 may go home together.
        let (pause, resume) = (Action::Pause { node: b }, Action::Resume { node: b });
        let (first, second) =
            (Action::Move { service: id("S0"), from: b, to: a }, Action::Move { service: id("S1"), from: c, to: a });
        let mut actions: Vec<&Action> = before.iter().collect();
        actions.extend([&guest_leaves, &pause, &resume, &first, &second]);
        assert_eq!(parallel_runs(&cluster, &actions)[6..], [Some(6), Some(6)]);
    }

    #[test]
    fn a_wave_lasts_as_long_as_its_slowest_node_and_its_other_steps() {
        let (a, b) = (node(0), node(1));
        let service = ServiceId::from_index(0);
        let actions = [
            Action::Pause { node: a },
            Action::Pause { node: b },
            Action::Resume { node: a },
            Action::Resume { node: b },
            Action::Move { service, from: a, to: b },
        ];
        let minutes = [Some(10), Some(30), Some(1), Some(2), Some(5)];
        let steps: Vec<_> = actions.iter().zip(minutes).map(|(action, minutes)| (action, minutes, 1)).collect();
        assert_eq!(times(&steps, &[None; 5]), Times { wall_clock: 32 + 5, work: 48, incomplete: false });
        let unknown: Vec<_> = actions.iter().map(|action| (action, None, 1)).collect();
        assert_eq!(times(&unknown, &[None; 5]), Times { wall_clock: 0, work: 0, incomplete: true });
    }
}
