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
    /// resume), plus its other steps one after another; and, when the
    /// failbacks after the last resume may go at the same time
    /// ([`parallel_failback`]), as long as the slowest of them.
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
    match action {
        Action::Pause { node } | Action::Upgrade { node, .. } | Action::Resume { node } => Some(*node),
        Action::Drain { node, .. } | Action::Move { from: node, .. } => {
            matches!(steps.get(index + 1), Some((Action::Pause { node: paused }, _, _)) if paused == node)
                .then_some(*node)
        }
        _ => None,
    }
}

/// The node a failback after the last resume returns services to.
fn returned_to(action: &Action) -> Option<NodeId> {
    match action {
        Action::Failback { node, .. } | Action::Verify { to: node, .. } | Action::Move { to: node, .. } => Some(*node),
        _ => None,
    }
}

/// The times of steps given as (action, minutes, wave), in order;
/// `parallel_failback`: whether the failbacks after the last resume may go
/// at the same time ([`parallel_failback`]).
pub fn times(steps: &[(&Action, Option<u32>, usize)], parallel_failback: bool) -> Times {
    let mut times = Times::default();
    let tail = if parallel_failback {
        steps.iter().rposition(|(action, _, _)| matches!(action, Action::Resume { .. })).map_or(steps.len(), |i| i + 1)
    } else {
        steps.len()
    };
    let mut wave = 0usize;
    let mut nodes: BTreeMap<NodeId, u32> = BTreeMap::new();
    let mut serial = 0u32;
    let close = |nodes: &mut BTreeMap<NodeId, u32>, serial: &mut u32, times: &mut Times| {
        let slowest = nodes.values().copied().max().unwrap_or(0);
        times.wall_clock = times.wall_clock.saturating_add(slowest).saturating_add(*serial);
        nodes.clear();
        *serial = 0;
    };
    for (index, &(action, minutes, step_wave)) in steps.iter().enumerate() {
        if step_wave != wave || index == tail {
            close(&mut nodes, &mut serial, &mut times);
            wave = step_wave;
        }
        let minutes = minutes.unwrap_or_else(|| {
            times.incomplete = true;
            0
        });
        times.work = times.work.saturating_add(minutes);
        let node = if index < tail { worked_on(steps, index) } else { returned_to(action) };
        match node {
            Some(node) => {
                let spent = nodes.entry(node).or_insert(0);
                *spent = spent.saturating_add(minutes);
            }
            None => serial = serial.saturating_add(minutes),
        }
    }
    close(&mut nodes, &mut serial, &mut times);
    times
}

/// Whether the failbacks after the last resume may all go at the same
/// time: with waves (`policy.max_down` above 1), when each of them returns
/// services to its own node only, no service moves twice, and every node
/// has room for all it receives with none of its guests gone yet. (With
/// `max_down: 1` a plan is carried out one step after another, as before
/// waves.)
pub fn parallel_failback(cluster: &Cluster, actions: &[&Action]) -> bool {
    if cluster.policy().max_down < 2 {
        return false;
    }
    let tail = actions.iter().rposition(|action| matches!(action, Action::Resume { .. })).map_or(0, |i| i + 1);
    let (before, after) = actions.split_at(tail.min(actions.len()));
    let mut hosted: Vec<usize> = vec![0; cluster.nodes().len()];
    let mut location: Vec<NodeId> = cluster.services().iter().map(|service| service.on).collect();
    for action in before {
        for step in action.moves() {
            if let Some(at) = location.get_mut(step.service.index()) {
                *at = step.to;
            }
        }
    }
    for &node in &location {
        if let Some(count) = hosted.get_mut(node.index()) {
            *count += 1;
        }
    }
    let mut moved: Vec<bool> = vec![false; cluster.services().len()];
    let mut any = false;
    for action in after {
        let Some(node) = returned_to(action) else { continue };
        for step in action.moves() {
            any = true;
            let again = moved.get_mut(step.service.index()).is_none_or(|m| std::mem::replace(m, true));
            if again || step.to != node {
                return false;
            }
            if let Some(count) = hosted.get_mut(node.index()) {
                *count += 1;
            }
        }
    }
    any && cluster.node_ids().all(|node| {
        let capacity = cluster.node(node).capacity.map_or(usize::MAX, |c| c as usize);
        hosted.get(node.index()).is_none_or(|&count| count <= capacity)
    })
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
    times(&steps, parallel_failback(cluster, &actions))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Id, ServiceId};

    fn node(i: usize) -> NodeId {
        NodeId::from_index(i)
    }

    #[test]
    fn a_wave_takes_in_what_prepares_its_pauses_and_the_last_takes_the_tail() {
        let (a, b, c) = (node(0), node(1), node(2));
        let service = ServiceId::from_index(0);
        let moved = super::super::Move { service, from: a, to: c };
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
        assert_eq!(times(&steps, false), Times { wall_clock: 32 + 5, work: 48, incomplete: false });
        let unknown: Vec<_> = actions.iter().map(|action| (action, None, 1)).collect();
        assert_eq!(times(&unknown, false), Times { wall_clock: 0, work: 0, incomplete: true });
    }
}
