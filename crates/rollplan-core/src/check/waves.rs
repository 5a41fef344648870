//! The checker's reading of waves, in its own words: numbered in order,
//! each one stretch with its nodes all paused before any is resumed, safe
//! to carry out at the same time, and timed as the summary says.
//!
//! "At the same time" is what a wave promises, from its first pause to its
//! last resume (the steps before come first, one after another), so the
//! replay of the steps in one order is not enough: in a wave that pauses two
//! nodes or more, a drain then moves only its own node's services, never
//! onto a node of the wave, nothing else moves meanwhile, and every skew
//! rule across the cluster holds whatever release each node of the wave
//! has reached.

// Tables are indexed by ids that `check` has already looked up.
#![allow(clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};

use super::Violation;
use crate::model::{Cluster, ComponentId, NodeId, SkewLevel, SkewLimit, SkewRule, SkewScope};
use crate::plan::{Action, Plan};
use crate::skew;

/// The steps (0-based, in order) of each wave, from wave 1.
type Waves = Vec<Vec<usize>>;

/// Checks the plan's waves; `Ok` when they keep every rule above.
pub(super) fn check(cluster: &Cluster, plan: &Plan) -> Result<(), Violation> {
    let waves = numbering(cluster, plan)?;
    let mut releases: Vec<Vec<Option<String>>> = cluster.nodes().iter().map(|node| node.versions.clone()).collect();
    for (index, steps) in waves.iter().enumerate() {
        parallel(cluster, plan, index + 1, steps, &mut releases)?;
    }
    timing(cluster, plan, &waves)
}

fn violation(step: usize, rule: &'static str, message: String) -> Violation {
    Violation { step, rule, message }
}

/// Wave numbers start at 1 and go up by one; a new one begins only while
/// every node is up; within a wave no node is paused after one was resumed;
/// every wave pauses a node (but the only wave of a plan that pauses none).
fn numbering(cluster: &Cluster, plan: &Plan) -> Result<Waves, Violation> {
    let mut waves: Waves = Vec::new();
    let mut paused: BTreeSet<NodeId> = BTreeSet::new();
    let mut resumed_in_wave = false;
    let mut pauses_in_wave = 0usize;
    let any_pause = plan.steps.iter().any(|step| matches!(step.action, Action::Pause { .. }));
    for (index, step) in plan.steps.iter().enumerate() {
        let number = index + 1;
        let current = waves.len();
        if step.wave == current + 1 {
            if !paused.is_empty() {
                return Err(violation(
                    number,
                    "wave",
                    format!(
                        "wave {} begins while {} node(s) of wave {current} are still paused",
                        step.wave,
                        paused.len()
                    ),
                ));
            }
            if current > 0 && pauses_in_wave == 0 && any_pause {
                return Err(violation(number, "wave", format!("wave {current} pauses no node")));
            }
            waves.push(Vec::new());
            resumed_in_wave = false;
            pauses_in_wave = 0;
        } else if step.wave != current || current == 0 {
            return Err(violation(
                number,
                "wave",
                format!("the step is in wave {}, but the step before it is in wave {current}", step.wave),
            ));
        }
        if let Some(steps) = waves.last_mut() {
            steps.push(index);
        }
        match step.action {
            Action::Pause { node } => {
                if resumed_in_wave {
                    return Err(violation(
                        number,
                        "wave",
                        format!(
                            "{} is paused after a node of wave {} was resumed: a wave's nodes are all paused before any is resumed",
                            node_name(cluster, node),
                            step.wave
                        ),
                    ));
                }
                paused.insert(node);
                pauses_in_wave += 1;
            }
            Action::Resume { node } => {
                paused.remove(&node);
                resumed_in_wave = true;
            }
            _ => {}
        }
    }
    if waves.len() > 1 && pauses_in_wave == 0 && any_pause {
        return Err(violation(0, "wave", format!("wave {} pauses no node", waves.len())));
    }
    Ok(waves)
}

fn node_name(cluster: &Cluster, node: NodeId) -> &str {
    cluster.nodes().get(node).map_or("a node", |n| n.name.as_str())
}

/// A wave of two or more nodes may be carried out at the same time: checks
/// its moves and its skew rules, and brings `releases` up to its end.
fn parallel(
    cluster: &Cluster,
    plan: &Plan,
    wave: usize,
    steps: &[usize],
    releases: &mut [Vec<Option<String>>],
) -> Result<(), Violation> {
    let members: BTreeSet<NodeId> = steps
        .iter()
        .filter_map(|&i| match plan.steps.get(i)?.action {
            Action::Pause { node } => Some(node),
            _ => None,
        })
        .collect();
    // Per node of the wave: every release it runs at some point in it.
    let mut reached: BTreeMap<NodeId, Vec<(ComponentId, String)>> = BTreeMap::new();
    // The steps before the wave's last resume are carried out at the same time.
    let last_resume = steps
        .iter()
        .rposition(|&i| plan.steps.get(i).is_some_and(|step| matches!(step.action, Action::Resume { .. })))
        .unwrap_or(0);
    // The steps before its first pause come before it, one after another.
    let first_pause = steps
        .iter()
        .position(|&i| plan.steps.get(i).is_some_and(|step| matches!(step.action, Action::Pause { .. })))
        .unwrap_or(0);
    for (position, &index) in steps.iter().enumerate() {
        let Some(step) = plan.steps.get(index) else { continue };
        let number = index + 1;
        let underway = members.len() > 1 && position > first_pause && position < last_resume;
        match &step.action {
            Action::Move { service, from, to } if underway => {
                let moves = [crate::plan::Move { service: *service, from: *from, to: *to }];
                own_moves(cluster, wave, number, *from, &moves, &members)?;
            }
            Action::Drain { node, moves } if underway => own_moves(cluster, wave, number, *node, moves, &members)?,
            Action::Verify { .. } | Action::Failback { .. } if underway => {
                return Err(violation(
                    number,
                    "wave-parallel",
                    format!(
                        "in wave {wave}, whose nodes are worked on at the same time, services move back before all its nodes are resumed: only the drains of its nodes may move services"
                    ),
                ));
            }
            Action::Upgrade { node, components } => {
                for hop in components {
                    let Some(slot) = releases.get_mut(node.index()).and_then(|r| r.get_mut(hop.component.index()))
                    else {
                        continue;
                    };
                    if members.len() > 1 {
                        let entry = reached.entry(*node).or_default();
                        if let Some(from) = slot.clone() {
                            entry.push((hop.component, from));
                        }
                        entry.push((hop.component, hop.to.clone()));
                    }
                    *slot = Some(hop.to.clone());
                }
            }
            _ => {}
        }
    }
    if members.len() < 2 {
        return Ok(());
    }
    for (index, rule) in cluster.skew_rules().iter().enumerate() {
        if rule.level != SkewLevel::Error {
            continue;
        }
        if let Some(message) = breach_across(cluster, rule, releases, &reached) {
            let first = steps.first().map_or(0, |&i| i + 1);
            return Err(violation(
                first,
                "wave-skew",
                format!(
                    "in wave {wave}, whose nodes are upgraded at the same time, skew rule {} (skew[{index}]) can be broken: {message}",
                    skew::describe_rule(cluster, rule)
                ),
            ));
        }
    }
    Ok(())
}

/// In a wave carried out at the same time, a drain (or a single move) of
/// `node` moves only services off `node`, a node of the wave, and onto none.
fn own_moves(
    cluster: &Cluster,
    wave: usize,
    number: usize,
    node: NodeId,
    moves: &[crate::plan::Move],
    members: &BTreeSet<NodeId>,
) -> Result<(), Violation> {
    let Some(step) = moves.iter().find(|m| m.from != node || !members.contains(&m.from) || members.contains(&m.to))
    else {
        return Ok(());
    };
    Err(violation(
        number,
        "wave-parallel",
        format!(
            "in wave {wave}, whose nodes are worked on at the same time, a service moves from {} to {}: only the wave's own nodes are drained, each of its own services, and never onto a node of the wave",
            node_name(cluster, step.from),
            node_name(cluster, step.to)
        ),
    ))
}

/// Lowest and highest positions of a component's releases on one node over a wave.
type Span = (usize, usize);

/// Whether a rule across the cluster can be broken by two different nodes,
/// each at any release it runs during the wave (pairs on one node change in
/// the order the replay takes them, so the replay covers those).
fn breach_across(
    cluster: &Cluster,
    rule: &SkewRule,
    end: &[Vec<Option<String>>],
    reached: &BTreeMap<NodeId, Vec<(ComponentId, String)>>,
) -> Option<String> {
    let spans = |component: ComponentId| -> Vec<(NodeId, Span)> {
        cluster
            .node_ids()
            .filter_map(|node| {
                let now = end.get(node.index())?.get(component.index())?.as_deref();
                let during = reached.get(&node).into_iter().flatten().filter(|(c, _)| *c == component);
                let positions = now
                    .into_iter()
                    .chain(during.map(|(_, release)| release.as_str()))
                    .filter_map(|release| skew::position(cluster, rule, release));
                let span = positions.fold(None, |span: Option<Span>, at| {
                    Some(span.map_or((at, at), |(low, high)| (low.min(at), high.max(at))))
                })?;
                Some((node, span))
            })
            .collect()
    };
    // The largest `high(a) - low(b)` over two different nodes.
    let widest = |highs: &[(NodeId, Span)], lows: &[(NodeId, Span)]| -> Option<usize> {
        let mut best: Option<usize> = None;
        let top: Vec<&(NodeId, Span)> = top_two(highs, |(_, (_, high))| std::cmp::Reverse(*high));
        let bottom: Vec<&(NodeId, Span)> = top_two(lows, |(_, (low, _))| *low);
        for &&(a, (_, high)) in &top {
            for &&(b, (low, _)) in &bottom {
                if a != b {
                    best = best.max(Some(high.saturating_sub(low)));
                }
            }
        }
        best
    };
    match rule.limit {
        SkewLimit::Spread(limit) => {
            let spans = spans(rule.component);
            let by = widest(&spans, &spans)?;
            (by > limit as usize).then(|| {
                format!("two of its nodes may run releases of `{}` {by} apart (limit {limit})", name(cluster, rule))
            })
        }
        SkewLimit::Against { against, max_newer, max_older, scope: SkewScope::Cluster } => {
            let (subject, other) = (spans(rule.component), spans(against));
            let newer = widest(&subject, &other).filter(|&by| max_newer.is_some_and(|limit| by > limit as usize));
            let older = widest(&other, &subject).filter(|&by| max_older.is_some_and(|limit| by > limit as usize));
            match (newer, older) {
                (Some(by), _) => Some(format!(
                    "`{}` may run {by} release(s) newer than `{}` on another node",
                    name(cluster, rule),
                    cluster.component(against).name
                )),
                (None, Some(by)) => Some(format!(
                    "`{}` may run {by} release(s) older than `{}` on another node",
                    name(cluster, rule),
                    cluster.component(against).name
                )),
                (None, None) => None,
            }
        }
        SkewLimit::Against { scope: SkewScope::Node, .. } => None,
    }
}

/// Whether `step`'s services all go to their own node (`on`), and it is not
/// a node's drain (the step before that node's pause): a failback.
fn brings_home(cluster: &Cluster, plan: &Plan, index: usize) -> Option<NodeId> {
    let step = plan.steps.get(index)?;
    let to = match &step.action {
        Action::Failback { node, .. } | Action::Verify { to: node, .. } | Action::Move { to: node, .. } => *node,
        _ => return None,
    };
    if let (Action::Move { from, .. }, Some(Action::Pause { node })) =
        (&step.action, plan.steps.get(index + 1).map(|next| &next.action))
        && from == node
    {
        return None;
    }
    step.action
        .moves()
        .iter()
        .all(|m| cluster.services().get(m.service).is_some_and(|service| service.on == m.to))
        .then_some(to)
}

/// For each step, the first step of the run of failbacks it goes at the
/// same time with, if any: with `max_down` above 1, two or more failbacks in
/// a row, no service moved twice among them, and every node with room for
/// all they bring it before any of them takes a service away from it.
fn failback_runs(cluster: &Cluster, plan: &Plan) -> Vec<Option<usize>> {
    let mut runs = vec![None; plan.steps.len()];
    if cluster.policy().max_down < 2 {
        return runs;
    }
    let mut hosted: Vec<usize> = vec![0; cluster.nodes().len()];
    let mut location: Vec<usize> = cluster.services().iter().map(|service| service.on.index()).collect();
    for &at in &location {
        if let Some(count) = hosted.get_mut(at) {
            *count += 1;
        }
    }
    let mut first = 0;
    while first < plan.steps.len() {
        let mut last = first; // one past the run
        let mut seen: BTreeSet<usize> = BTreeSet::new();
        let mut arriving: Vec<usize> = vec![0; hosted.len()];
        'run: while brings_home(cluster, plan, last).is_some() {
            let moves = plan.steps[last].action.moves();
            // The step's arrivals counted together with the run's earlier ones.
            let mut after = arriving.clone();
            for m in &moves {
                if seen.contains(&m.service.index()) {
                    break 'run;
                }
                if let Some(count) = after.get_mut(m.to.index()) {
                    *count += 1;
                }
            }
            for (index, node) in cluster.nodes().iter().enumerate() {
                let capacity = node.capacity.map_or(usize::MAX, |c| c as usize);
                if after[index] > 0 && hosted[index] + after[index] > capacity {
                    break 'run;
                }
            }
            seen.extend(moves.iter().map(|m| m.service.index()));
            arriving = after;
            last += 1;
        }
        if last > first + 1 {
            for slot in &mut runs[first..last] {
                *slot = Some(first);
            }
        }
        let next = last.max(first + 1);
        for step in &plan.steps[first..next] {
            for m in step.action.moves() {
                let Some(at) = location.get_mut(m.service.index()) else { continue };
                if let Some(count) = hosted.get_mut(*at) {
                    *count = count.saturating_sub(1);
                }
                *at = m.to.index();
                if let Some(count) = hosted.get_mut(*at) {
                    *count += 1;
                }
            }
        }
        first = next;
    }
    runs
}

fn name<'c>(cluster: &'c Cluster, rule: &SkewRule) -> &'c str {
    cluster.component(rule.component).name.as_str()
}

/// The two smallest of `items` by `key`.
fn top_two<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> Vec<&T> {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_by_key(|item| key(item));
    sorted.truncate(2);
    sorted
}

/// The summary's waves and times. A wave lasts as long as its slowest node
/// (its pause, upgrades and resume, and its drain if that comes right
/// before its pause) plus its other steps one after another. With
/// `max_down` above 1, the failbacks after the last resume go at the same
/// time when each brings services only to its own node, none twice, and
/// every node has room for all it gets before any guest leaves: then they
/// take as long as the slowest node's.
fn timing(cluster: &Cluster, plan: &Plan, waves: &Waves) -> Result<(), Violation> {
    let runs = failback_runs(cluster, plan);
    let (wall_clock, work) = clock(plan, waves, &(0..plan.steps.len()), &runs);
    let summary = &plan.summary;
    let expected = [
        ("waves", summary.waves, waves.len()),
        ("wall_clock_minutes", summary.wall_clock_minutes as usize, wall_clock as usize),
        ("estimated_minutes", summary.estimated_minutes as usize, wall_clock as usize),
        ("work_minutes", summary.work_minutes as usize, work as usize),
    ];
    for (field, said, found) in expected {
        if said != found {
            return Err(violation(
                0,
                "wave-times",
                format!("the summary says {field} {said}, but the steps make {found}"),
            ));
        }
    }
    Ok(())
}

/// The wall-clock and work minutes of the steps in `range`, their waves as
/// `waves` has them; a run of failbacks (`runs`) takes as long as the node
/// that gets the most minutes of it.
fn clock(plan: &Plan, waves: &Waves, range: &std::ops::Range<usize>, runs: &[Option<usize>]) -> (u32, u32) {
    let mut wall_clock = 0u32;
    let mut work = 0u32;
    let mut by_run: BTreeMap<usize, BTreeMap<NodeId, u32>> = BTreeMap::new();
    for steps in waves {
        let mut per_node: BTreeMap<NodeId, u32> = BTreeMap::new();
        let mut others = 0u32;
        for index in steps.iter().copied().filter(|i| range.contains(i)) {
            let Some(step) = plan.steps.get(index) else { continue };
            let minutes = step.details.minutes.unwrap_or(0);
            work = work.saturating_add(minutes);
            let next = plan.steps.get(index + 1).map(|step| &step.action);
            if let Some(run) = runs.get(index).copied().flatten() {
                let (Action::Failback { node: to, .. } | Action::Verify { to, .. } | Action::Move { to, .. }) =
                    step.action
                else {
                    continue;
                };
                let spent = by_run.entry(run).or_default().entry(to).or_default();
                *spent = spent.saturating_add(minutes);
                continue;
            }
            let node = match step.action {
                Action::Pause { node } | Action::Upgrade { node, .. } | Action::Resume { node } => Some(node),
                // A drain is a node's own work when its pause follows, in the same range.
                Action::Drain { node, .. } | Action::Move { from: node, .. } => (range.contains(&(index + 1))
                    && matches!(next, Some(Action::Pause { node: paused }) if *paused == node))
                .then_some(node),
                _ => None,
            };
            match node {
                Some(node) => {
                    let spent = per_node.entry(node).or_default();
                    *spent = spent.saturating_add(minutes);
                }
                None => others = others.saturating_add(minutes),
            }
        }
        let slowest = per_node.values().copied().max().unwrap_or(0);
        wall_clock = wall_clock.saturating_add(slowest).saturating_add(others);
    }
    for nodes in by_run.values() {
        wall_clock = wall_clock.saturating_add(nodes.values().copied().max().unwrap_or(0));
    }
    (wall_clock, work)
}

/// The maintenance windows (`policy.window_minutes`): none without it; with
/// it, windows that hold every step once, in order, each ending where every
/// node is up and every service online (`safe_after`, per step) or at the
/// plan's end, but never between a node's drain and its pause; each no
/// longer than the policy allows and as long as its steps take (runs of
/// failbacks going at once, as for the summary).
pub(super) fn windows(cluster: &Cluster, plan: &Plan, safe_after: &[bool]) -> Result<(), Violation> {
    let Some(limit) = cluster.policy().window_minutes else {
        if plan.windows.is_empty() {
            return Ok(());
        }
        return Err(violation(0, "windows", "the plan has windows, but the policy sets no window_minutes".to_owned()));
    };
    let waves = numbering(cluster, plan)?;
    let runs = failback_runs(cluster, plan);
    let mut next = 0;
    for (number, window) in plan.windows.iter().enumerate() {
        let number = number + 1;
        let fail = |message: String| Err(violation(window.first + 1, "windows", format!("window {number}: {message}")));
        if window.first != next || window.last < window.first || window.last >= plan.steps.len() {
            return fail(format!(
                "it holds steps {} to {}, but should begin at step {}",
                window.first + 1,
                window.last + 1,
                next + 1
            ));
        }
        let at_end = window.last + 1 == plan.steps.len();
        // Inside a node's drain: it emptied a node that, after only its services going offline, is paused next.
        let between_drain_and_pause = match plan.steps.get(window.last).map(|step| &step.action) {
            Some(Action::Drain { node, .. } | Action::Move { from: node, .. }) => plan.steps[window.last + 1..]
                .iter()
                .find(|step| !matches!(step.action, Action::Offline { node: on, .. } if on == *node))
                .is_some_and(|step| matches!(step.action, Action::Pause { node: paused } if paused == *node)),
            _ => false,
        };
        if !at_end && (!safe_after.get(window.last).copied().unwrap_or(false) || between_drain_and_pause) {
            return fail(format!("it ends after step {}, which is not a safe point", window.last + 1));
        }
        let (minutes, _) = clock(plan, &waves, &(window.first..window.last + 1), &runs);
        if window.minutes != minutes {
            return fail(format!("it says {} min, but its steps take {minutes}", window.minutes));
        }
        if minutes > limit {
            return fail(format!("it takes {minutes} min, longer than window_minutes {limit}"));
        }
        next = window.last + 1;
    }
    if next != plan.steps.len() {
        return Err(violation(next + 1, "windows", format!("steps {} on are in no window", next + 1)));
    }
    Ok(())
}
