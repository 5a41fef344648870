//! Maintenance windows (`policy.window_minutes`): a plan longer than a
//! window is cut into windows at safe points, so that each can be carried
//! out on its own night and the cluster left safely between them.
//!
//! A safe point is after a step that leaves every node up and every
//! service online (and so, as after every step, on an owner and within
//! every `error` skew rule), but inside a node's drain: from the drain through
//! the services it takes offline to the node's pause, which belong to one night. Windows are cut after the planner has
//! finished: they never change the steps, only group them, each as long as
//! its own steps take on the wall clock ([`clock::times`] of its steps, a
//! run of failbacks that may go at once counted as in the whole plan). The cut is greedy, each window running to the last safe point
//! it can reach: with window minutes that grow with the steps taken in, that
//! gives the fewest windows.

use serde::{Deserialize, Serialize};

use super::{Action, Blocked, BlockingRule, Step, clock, details};
use crate::model::{Cluster, ComponentId, NodeId};

/// One maintenance window: steps `first` to `last` (indices into the plan's steps).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceWindow {
    pub first: usize,
    pub last: usize,
    /// Its steps' wall-clock minutes.
    pub minutes: u32,
}

/// For each of a plan's `actions`, whether the state after it is a safe
/// point to end a window at: no node paused, no service offline (counted
/// as the steps go, from a start with every node up and every service
/// online), and not inside a node's drain: from the drain (or the move of
/// its one service) through the services it takes offline to its pause.
pub(super) fn safe_points(actions: &[&Action]) -> Vec<bool> {
    let (mut paused, mut offline) = (0usize, 0usize);
    let mut safe: Vec<bool> = actions
        .iter()
        .map(|action| {
            match action {
                Action::Pause { .. } => paused += 1,
                Action::Resume { .. } => paused = paused.saturating_sub(1),
                Action::Offline { .. } => offline += 1,
                Action::Online { .. } => offline = offline.saturating_sub(1),
                _ => {}
            }
            paused == 0 && offline == 0
        })
        .collect();
    for (index, action) in actions.iter().enumerate() {
        if let Some(node) = drained(action)
            && pauses_after(actions, index + 1, node)
            && let Some(slot) = safe.get_mut(index)
        {
            *slot = false;
        }
    }
    safe
}

/// The node a drain (or a move off it) empties.
fn drained(action: &Action) -> Option<NodeId> {
    match action {
        Action::Drain { node, .. } | Action::Move { from: node, .. } => Some(*node),
        _ => None,
    }
}

/// Whether, from `actions[from]` on, `node` is paused next, after nothing
/// but services taken offline on it: the rest of that node's drain.
fn pauses_after(actions: &[&Action], from: usize, node: NodeId) -> bool {
    for action in actions.get(from..).unwrap_or_default() {
        match action {
            Action::Offline { node: on, .. } if *on == node => {}
            Action::Pause { node: paused } => return *paused == node,
            _ => return false,
        }
    }
    false
}

/// The minutes of steps `first..=last` of `steps` on the wall clock, the
/// runs of failbacks that go at once (`runs`, per step of the plan) as in the plan.
pub(super) fn window_minutes(steps: &[Step], first: usize, last: usize, runs: &[Option<usize>]) -> u32 {
    let (Some(slice), Some(runs)) = (steps.get(first..=last), runs.get(first..=last)) else { return 0 };
    let timed: Vec<(&Action, Option<u32>, usize)> =
        slice.iter().map(|step| (&step.action, step.details.minutes, step.wave)).collect();
    clock::times(&timed, runs).wall_clock
}

/// The windows of a plan of `steps` whose states after each step are
/// `safe` (true at a safe point), each at most `limit` minutes; or why the
/// steps cannot be cut so: a stretch between two safe points (or from the
/// start, or to the end) longer than a window.
pub(super) fn cut(
    cluster: &Cluster,
    steps: &[Step],
    safe: &[bool],
    limit: u32,
    runs: &[Option<usize>],
) -> Result<Vec<MaintenanceWindow>, Blocked> {
    // Where a window may end: a safe point, and the last step.
    let mut ends: Vec<usize> = safe.iter().enumerate().filter(|&(_, &safe)| safe).map(|(index, _)| index).collect();
    if let Some(last) = steps.len().checked_sub(1)
        && ends.last() != Some(&last)
    {
        ends.push(last);
    }
    let mut windows = Vec::new();
    let mut first = 0;
    let mut from = 0; // the first of `ends` not yet passed
    while first < steps.len() {
        let reachable = ends.get(from..).unwrap_or_default();
        // The farthest end whose window fits (a window's minutes grow with its
        // steps): found by doubling, then halving, so that a window costs
        // about its own length times a logarithm, not the rest of the plan's.
        let fit = |count: usize| {
            count == 0 || reachable.get(count - 1).is_some_and(|&end| window_minutes(steps, first, end, runs) <= limit)
        };
        let mut high = 1;
        while high <= reachable.len() && fit(high) {
            high *= 2;
        }
        let low = high / 2; // fits (or is 0)
        let high = high.min(reachable.len() + 1); // does not fit, or is one past the ends
        let fits = low + (low + 1..high).collect::<Vec<_>>().partition_point(|&count| fit(count));
        let Some(&end) = fits.checked_sub(1).and_then(|i| reachable.get(i)) else {
            let end = reachable.first().copied().unwrap_or(steps.len() - 1);
            return Err(too_long(cluster, steps, first, end, window_minutes(steps, first, end, runs), limit));
        };
        windows.push(MaintenanceWindow { first, last: end, minutes: window_minutes(steps, first, end, runs) });
        from += fits;
        first = end + 1;
    }
    Ok(windows)
}

/// Steps `first..=last` cannot be cut and take `minutes`, more than `limit`.
fn too_long(cluster: &Cluster, steps: &[Step], first: usize, last: usize, minutes: u32, limit: u32) -> Blocked {
    let paused: Vec<&str> = steps
        .get(first..=last)
        .unwrap_or_default()
        .iter()
        .filter_map(|step| match step.action {
            Action::Pause { node } => Some(cluster.node(node).name.as_str()),
            _ => None,
        })
        .collect();
    let whose = match paused.as_slice() {
        [] => String::new(),
        [one] => format!(" ({one}'s upgrade)"),
        many => format!(" (the wave of {})", many.join(", ")),
    };
    Blocked {
        rule: BlockingRule::Window,
        service: None,
        node: paused.first().map(|&name| name.to_owned()),
        message: format!(
            "steps {} to {}{whose} take about {minutes} min with no safe point between them to end a window at, longer than `policy.window_minutes: {limit}`",
            first + 1,
            last + 1
        ),
        unblock: std::iter::once(format!("raise `policy.window_minutes` to at least {minutes}"))
            .chain(
                (paused.len() > 1).then(|| "lower `policy.max_down`, so that fewer nodes are down at once".to_owned()),
            )
            .collect(),
    }
}

/// A node one of whose hops, with its pause and resume, is longer than a
/// window (the hop's component and the minutes), if one is: no cut can help
/// it, since a hop is one step of one node's time down.
pub(super) fn hop_longer_than(cluster: &Cluster, limit: u32) -> Option<(NodeId, ComponentId, u32)> {
    cluster.node_ids().find_map(|node| {
        let definition = cluster.node(node);
        cluster.components().iter_ids().find_map(|(id, component)| {
            let version = definition.version(id)?;
            let minutes = component.minutes.filter(|_| !component.hops_from(version).is_empty())?;
            let minutes = minutes.saturating_add(2 * details::NODE_STATE_MINUTES);
            (minutes > limit).then_some((node, id, minutes))
        })
    })
}
