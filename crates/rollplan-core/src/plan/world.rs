//! Turns the planner's actions into steps: each with its text, and the risks
//! a node failure would bring, kept as spans over the steps.
//!
//! Linear in what the steps change: after a step only the services it can
//! affect have their risk recomputed (those that moved, went on or offline,
//! sit on a node that was upgraded, or whose failover target it changed, as
//! [`whatif::Targets`] tells), and the totals are kept as running counts.
//! The services whose owners are left out are counted by group
//! ([`unlisted`]): a group on several nodes is one span, ended when its count
//! changes. A drain or a failback is one step: its moves are made, then the
//! risks are looked at once.

use std::collections::BTreeMap;

use super::clock;
use super::sim::{Sim, Work};
use super::skew_index::SkewIndex;
use super::unlisted::{self, GroupKey, Groups, Unlisted};
use super::whatif::{self, Recomputed, Targets};
use super::{Action, AtRisk, Hop, LimitSpan, Plan, Risk, RiskKind, RiskLevel, RiskSpan, State, Step, Summary, details};
use crate::model::{Cluster, NodeId, ReplicatedId, ServiceId, SkewLevel};
use crate::{replicas, skew};

/// Replays `actions` from the cluster's current state into a complete plan.
///
/// Once the plan holds more than `risk_limit` risk spans, the risks of the
/// steps after the one that passed it are not worked out: the open spans end
/// there and the summary says so.
pub(super) fn record(cluster: &Cluster, actions: Vec<Action>, work: &Work, risk_limit: usize) -> Plan {
    // The planner's scratch model replays the actions: it keeps the state,
    // and counts moves and steps with mixed releases as the search does.
    let mut sim = Sim::new(cluster, &[], work);
    let mut targets = Targets::new(cluster, &sim.state);
    let mut unlisted = Unlisted::new(cluster, &sim.state);
    // The groups of services whose owners are left out after the previous
    // step, and the span of each on several nodes.
    let mut groups = Groups::new();
    let mut open_groups: BTreeMap<GroupKey, usize> = BTreeMap::new();
    let mut totals = Totals::new(cluster, &sim.state);
    // The span holding each service's current risk, if it has one. A span's
    // `last` is provisional while it is open and set when it closes, so that
    // a step costs what it touches, not what stands.
    let mut open: Vec<Option<usize>> = vec![None; cluster.services().len()];
    let mut risks: Vec<RiskSpan> = Vec::new();
    let mut standing = 0usize;
    let mut steps = Vec::with_capacity(actions.len());
    let mut dirty: Vec<ServiceId> = Vec::new();
    let mut risks_through: Option<usize> = None;
    // The span of each skew rule's current breach, if it has one.
    let mut open_skew: Vec<Option<usize>> = vec![None; cluster.skew_rules().len()];
    let mut skew = SkewRecord::new(cluster, &sim.state);
    // The span of each replicated service's current risk, if it has one.
    let mut open_replicated: Vec<Option<usize>> = vec![None; cluster.replicated().len()];
    let every_replicated: Vec<ReplicatedId> = cluster.replicated().ids().collect();
    let waves = clock::waves(&actions);
    for ((index, action), wave) in actions.into_iter().enumerate().zip(waves) {
        let (title, details) = details::describe(cluster, &sim.state, &sim.copies_up, &action);
        totals.count(&sim.state, &action, details.minutes);
        let hops = match &action {
            Action::Upgrade { node, components } => Some((*node, components.clone())),
            _ => None,
        };
        if let Some((node, hops)) = &hops {
            skew.index.leave(cluster, &sim.state, *node, Some(hops));
        }
        sim.apply(action.clone());
        unlisted.after_step(&sim, &action);
        // Releases change only with an upgrade: the skew rules are looked at
        // after the first step (all of them) and after each upgrade (those
        // of the components it moves).
        if let Some((node, hops)) = &hops {
            skew.index.enter(cluster, &sim.state, *node, Some(hops));
        }
        if index == 0 || hops.is_some() {
            skew.look(cluster, &sim.state, index, hops.as_ref().map(|(_, hops)| hops.as_slice()), work);
        }
        skew.count_step();
        if risks_through.is_some() {
            steps.push(Step { action, wave, title, details, risk_count: 0 });
            continue;
        }
        dirty.clear();
        affected(&action, &sim, &mut targets, &mut dirty);
        if index == 0 {
            // Nothing is recorded yet: every service's risk is new.
            dirty.clear();
            dirty.extend(cluster.service_ids());
        }
        for &service in &dirty {
            work.add(targets.retarget(cluster, &sim.state, service));
        }
        // The groups of services whose owners are left out: one that comes
        // to a single node or leaves one has its services looked at again.
        let previous = std::mem::replace(&mut groups, unlisted.groups(cluster, &targets));
        work.add(groups.len() + previous.len());
        let single = |groups: &Groups, key: &GroupKey| groups.get(key).and_then(|group| group.node);
        for key in previous.keys().chain(groups.keys()) {
            let (was, now) = (single(&previous, key), single(&groups, key));
            if was != now {
                for node in [was, now].into_iter().flatten() {
                    let before = dirty.len();
                    dirty.extend(sim.located_on(node));
                    work.add(dirty.len() - before);
                }
            }
        }
        dirty.sort_unstable();
        dirty.dedup();
        work.add(dirty.len());
        for &service in &dirty {
            let Some(slot) = open.get_mut(service.index()) else { continue };
            let current = slot.and_then(|span| risks.get(span)).map(|span| &span.risk);
            let recomputed = if whatif::has_own_risk(cluster, &sim.state, service) {
                let target = targets.target_of(cluster, &sim.state, service);
                whatif::recompute_risk(cluster, &sim.state, service, target, current)
            } else {
                unlisted.member_risk(cluster, &sim.state, &targets, &groups, service, current)
            };
            let Recomputed::Now(now) = recomputed else { continue };
            standing = replace_span(&mut risks, slot, now, index).apply(standing);
        }
        // The groups on several nodes: one whose count changed is a new risk.
        let mut grouped = 0;
        let mut still_open = BTreeMap::new();
        for (key, group) in groups.iter().filter(|(_, group)| group.node.is_none()) {
            grouped += group.count;
            let span = match open_groups.remove(key) {
                Some(span) if risks.get(span).is_some_and(|span| span.risk.count() == group.count) => span,
                ended => {
                    if let Some(span) = ended.and_then(|span| risks.get_mut(span)) {
                        span.last = index.saturating_sub(1);
                    }
                    let risk = unlisted::group_risk(cluster, key, group.count);
                    risks.push(RiskSpan { risk, first: index, last: index });
                    risks.len() - 1
                }
            };
            still_open.insert(key.clone(), span);
        }
        for span in std::mem::replace(&mut open_groups, still_open).into_values() {
            if let Some(span) = risks.get_mut(span) {
                span.last = index.saturating_sub(1);
            }
        }
        // Skew rules of level `warn`: each broken one is a risk while it
        // stands, begun anew when what breaks it changes.
        for (rule, slot) in open_skew.iter_mut().enumerate() {
            let breach = skew.breach.get(rule).cloned().flatten();
            let current = slot.and_then(|span| risks.get(span)).map(|span| &span.risk.releases);
            if breach.as_ref() == current {
                continue;
            }
            // Not about services: a broken rule counts none at risk.
            let now = breach.map(|releases| Risk {
                kind: RiskKind::VersionSkew,
                level: RiskLevel::Warning,
                at: AtRisk::Rule { rule },
                target: None,
                releases,
            });
            replace_span(&mut risks, slot, now, index);
        }
        // Replicated services: looked at again when a node holding a copy
        // is paused, resumed or upgraded (all of them after the first step).
        let touched = match &action {
            _ if index == 0 => every_replicated.as_slice(),
            Action::Pause { node } | Action::Resume { node } | Action::Upgrade { node, .. } => cluster.copies_on(*node),
            _ => &[],
        };
        work.add(touched.len());
        for &service in touched {
            let state = &sim.state;
            let up = sim.copies_up.get(service.index()).copied().unwrap_or(0);
            let exposure =
                replicas::exposure_counted(cluster, service, up, |n| state.node(n).up, |n, c| state.node(n).version(c));
            let now = exposure.map(|exposure| Risk::of_replicated(service, exposure));
            let Some(slot) = open_replicated.get_mut(service.index()) else { continue };
            if now.as_ref() == slot.and_then(|span| risks.get(span)).map(|span| &span.risk) {
                continue;
            }
            standing = replace_span(&mut risks, slot, now, index).apply(standing);
        }
        steps.push(Step { action, wave, title, details, risk_count: standing + grouped });
        if risks.len() > risk_limit {
            risks_through = Some(steps.len());
        }
    }
    // What stands after the last step with risks worked out stands to its end.
    let end = risks_through.unwrap_or(steps.len()).saturating_sub(1);
    let still_open = open
        .into_iter()
        .flatten()
        .chain(open_groups.into_values())
        .chain(open_skew.into_iter().flatten())
        .chain(open_replicated.into_iter().flatten());
    for span in still_open {
        if let Some(span) = risks.get_mut(span) {
            span.last = end;
        }
    }
    let mut summary = totals.finish();
    summary.risks_through_step = risks_through.filter(|&through| through < steps.len());
    summary.moves = sim.moves;
    summary.mixed_version_steps = sim.mixed_steps;
    summary.skew_steps = skew.steps;
    let actions: Vec<&Action> = steps.iter().map(|step| &step.action).collect();
    let minutes: Vec<(&Action, Option<u32>, usize)> =
        steps.iter().map(|step| (&step.action, step.details.minutes, step.wave)).collect();
    let times = clock::times(&minutes, &clock::parallel_runs(cluster, &actions));
    summary.waves = steps.last().map_or(0, |step| step.wave);
    summary.wall_clock_minutes = times.wall_clock;
    summary.work_minutes = times.work;
    summary.estimated_minutes = times.wall_clock;
    let at_limit = skew.finish(steps.len());
    Plan { steps, risks, at_limit, summary, windows: Vec::new() }
}

/// How a step changed one open risk span: whether one stood before it and
/// whether one stands after it.
struct Replaced {
    ended: bool,
    began: bool,
}

impl Replaced {
    /// `standing`, the services at risk, after the change.
    fn apply(&self, standing: usize) -> usize {
        (standing + usize::from(self.began)).saturating_sub(usize::from(self.ended))
    }
}

/// Ends the span `slot` holds (it stood after the previous step, and no
/// longer does) and opens one for `now`, if any, from step `index`.
fn replace_span(risks: &mut Vec<RiskSpan>, slot: &mut Option<usize>, now: Option<Risk>, index: usize) -> Replaced {
    let mut ended = false;
    if let Some(span) = slot.take().and_then(|span| risks.get_mut(span)) {
        span.last = index.saturating_sub(1);
        ended = true;
    }
    let began = now.is_some();
    if let Some(risk) = now {
        *slot = Some(risks.len());
        risks.push(RiskSpan { risk, first: index, last: index });
    }
    Replaced { ended, began }
}

/// What the skew rules are like step by step: which `warn` rule is broken
/// (and how), which rule is at its limit, and the steps with a broken
/// `warn` rule. Kept for every step, past the risks' cut too.
struct SkewRecord {
    index: SkewIndex,
    /// For each rule of level `warn`: how it is broken now, if it is.
    breach: Vec<Option<String>>,
    /// For each rule: the open span of its current limit, if it is at it.
    open: Vec<Option<usize>>,
    spans: Vec<LimitSpan>,
    /// Steps after which some `warn` rule is broken.
    steps: usize,
}

impl SkewRecord {
    fn new(cluster: &Cluster, state: &State) -> SkewRecord {
        let rules = cluster.skew_rules().len();
        SkewRecord {
            index: SkewIndex::new(cluster, state),
            breach: vec![None; rules],
            open: vec![None; rules],
            spans: Vec::new(),
            steps: 0,
        }
    }

    /// Looks again at the rules `hops` concern (all of them when `None`)
    /// in `state`, the state after step `step`.
    fn look(&mut self, cluster: &Cluster, state: &State, step: usize, hops: Option<&[Hop]>, work: &Work) {
        for (rule, definition) in cluster.skew_rules().iter().enumerate() {
            if hops.is_some_and(|hops| !SkewIndex::concerns(cluster, rule, hops)) {
                continue;
            }
            work.add(1);
            let gaps = self.index.gaps(cluster, state, rule);
            if definition.level == SkewLevel::Warn
                && let Some(slot) = self.breach.get_mut(rule)
            {
                *slot = gaps.iter().find(|gap| gap.breaks()).map(|gap| gap.describe(cluster, definition));
            }
            let message = skew::at_limit(cluster, definition, &gaps);
            let Some(slot) = self.open.get_mut(rule) else { continue };
            let current = slot.and_then(|span| self.spans.get(span)).map(|span| &span.message);
            if message.as_ref() == current {
                continue;
            }
            if let Some(span) = slot.take().and_then(|span| self.spans.get_mut(span)) {
                span.last = step.saturating_sub(1);
            }
            if let Some(message) = message {
                *slot = Some(self.spans.len());
                self.spans.push(LimitSpan { rule, message, first: step, last: step });
            }
        }
    }

    fn count_step(&mut self) {
        if self.breach.iter().any(Option::is_some) {
            self.steps += 1;
        }
    }

    /// The spans, those still open ended with the last of `steps` steps, in
    /// the order [`Plan::at_limit`] keeps.
    fn finish(mut self, steps: usize) -> Vec<LimitSpan> {
        for span in self.open.into_iter().flatten() {
            if let Some(span) = self.spans.get_mut(span) {
                span.last = steps.saturating_sub(1);
            }
        }
        self.spans.sort_by_key(|span| (span.first, span.rule));
        self.spans
    }
}

/// The services whose risk `action` (already applied to `sim`) may have
/// changed, into `dirty`; keeps `targets` up to date.
fn affected(action: &Action, sim: &Sim<'_>, targets: &mut Targets, dirty: &mut Vec<ServiceId>) {
    let (cluster, state) = (sim.cluster, &sim.state);
    let moves = action.moves();
    let between: Vec<(NodeId, NodeId)> = moves.iter().map(|m| (m.from, m.to)).collect();
    dirty.extend(moves.iter().map(|m| m.service));
    let nodes: Vec<NodeId> = match action {
        Action::Pause { node } | Action::Resume { node } => vec![*node],
        Action::Upgrade { node, .. } => {
            // Only offline services sit on a paused node, but their node's releases changed.
            dirty.extend(sim.located_on(*node));
            Vec::new()
        }
        Action::Offline { service, .. } | Action::Online { service, .. } => {
            dirty.push(*service);
            Vec::new()
        }
        _ => Vec::new(),
    };
    targets.after_step(cluster, state, &between, &nodes, dirty);
}

/// The plan's totals the sim does not keep, as running counts while the
/// steps are recorded (recounting the whole state after each step would be
/// steps × services).
struct Totals {
    summary: Summary,
    /// Which services some step takes offline.
    taken_offline: Vec<bool>,
    /// Services offline in the state before the step being counted.
    offline_now: usize,
}

impl Totals {
    fn new(cluster: &Cluster, state: &State) -> Totals {
        Totals {
            summary: Summary::default(),
            taken_offline: vec![false; cluster.services().len()],
            offline_now: state.services.iter().filter(|s| !s.online).count(),
        }
    }

    /// Counts one step; `before` is the state it starts from.
    fn count(&mut self, before: &State, action: &Action, minutes: Option<u32>) {
        let summary = &mut self.summary;
        summary.steps += 1;
        let minutes = minutes.unwrap_or_else(|| {
            summary.estimate_incomplete = true;
            0
        });
        // A service counts as offline for a step if it is offline before or after it.
        let mut offline = self.offline_now;
        match *action {
            Action::Offline { service, .. } => {
                if let Some(taken) = self.taken_offline.get_mut(service.index()) {
                    *taken = true;
                }
                if before.service(service).online {
                    offline += 1;
                    self.offline_now += 1;
                }
            }
            Action::Online { service, .. } if !before.service(service).online => {
                self.offline_now = self.offline_now.saturating_sub(1);
            }
            _ => {}
        }
        summary.outage_minutes = summary.outage_minutes.saturating_add(minutes.saturating_mul(offline as u32));
    }

    fn finish(mut self) -> Summary {
        self.summary.services_offline = self.taken_offline.iter().filter(|&&taken| taken).count();
        self.summary
    }
}
