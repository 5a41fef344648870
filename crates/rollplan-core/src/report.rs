//! Plans and blocked outcomes as text, Markdown and a JSON-ready document.
//!
//! Shared by every shell, so that `rollplan plan --format markdown` and the
//! web app's export are the same text, and the page says "blocked" in the
//! same words as the command line.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::fingerprint::fingerprint;
use crate::model::{Cluster, ComponentId, ReplicatedId, ServiceId};
use crate::plan::{
    Action, Blocked, BlockingRule, LimitSpan, MAX_RISK_SPANS, Outcome, Plan, Risk, RiskKind, RiskLevel, RiskSpan,
    State, Step, Summary, risk_message, service_names,
};
use crate::{Diagnostic, Validation};

/// Everything a shell needs to show for one description.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub validation: Validation,
    /// The planner's outcome, when the description is valid.
    pub outcome: Option<Outcome>,
    /// The plan's fingerprint, when the description is valid.
    pub fingerprint: Option<String>,
}

/// Validates and, when valid, plans.
pub fn analyze(text: &str, syntax: crate::Syntax) -> Analysis {
    let validation = crate::validate_as(text, syntax);
    let (outcome, fingerprint) = match &validation.cluster {
        Some(cluster) => (Some(crate::plan::plan(cluster)), Some(fingerprint(cluster))),
        None => (None, None),
    };
    Analysis { validation, outcome, fingerprint }
}

impl Analysis {
    pub fn plan(&self) -> Option<&Plan> {
        match &self.outcome {
            Some(Outcome::Planned(plan)) => Some(plan),
            _ => None,
        }
    }

    pub fn blocked(&self) -> Option<&[Blocked]> {
        match &self.outcome {
            Some(Outcome::Blocked(reasons)) => Some(reasons),
            _ => None,
        }
    }
}

fn minutes(value: Option<u32>) -> String {
    value.map_or_else(|| "duration unknown".to_owned(), |m| format!("about {m} min"))
}

fn summary_line(summary: &Summary) -> String {
    let plural = |n: usize, one: &str, many: &str| if n == 1 { format!("{n} {one}") } else { format!("{n} {many}") };
    let estimate = if summary.estimate_incomplete {
        format!("at least {} min", summary.estimated_minutes)
    } else {
        format!("about {} min", summary.estimated_minutes)
    };
    // With waves of several nodes, the wall clock and the work part ways.
    let estimate = if summary.work_minutes > summary.wall_clock_minutes {
        format!(
            "{estimate} on the wall clock in {} ({} min of work)",
            plural(summary.waves, "wave", "waves"),
            summary.work_minutes
        )
    } else {
        estimate
    };
    let risks = summary
        .risks_through_step
        .map(|through| format!(", what-if risks worked out for steps 1 to {through} only"))
        .unwrap_or_default();
    format!(
        "{}, {}, {} offline ({} outage minutes), {} with mixed versions, {estimate}{risks}",
        plural(summary.steps, "step", "steps"),
        plural(summary.moves, "move", "moves"),
        plural(summary.services_offline, "service", "services"),
        summary.outage_minutes,
        plural(summary.mixed_version_steps, "step", "steps"),
    )
}

/// What a checklist says at the first step whose risks were not worked out.
pub fn risks_cut_line(plan: &Plan) -> Option<String> {
    plan.summary.risks_through_step.map(|through| {
        format!(
            "What-if risks are not worked out from here on: steps 1 to {through} already have more than {} \
             (owners left out and room for few services make every step change where every service would \
             fail over). Give the cluster room for another node's services, or list the services' owners, \
             to see them all.",
            thousands(MAX_RISK_SPANS)
        )
    })
}

/// 1000000 -> "1,000,000".
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn risk_marker(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Error => "error",
        RiskLevel::Warning => "warning",
        RiskLevel::Info => "note",
    }
}

/// What one step does to the plan's risks, for the checklists: the risks
/// that begin after it, those that stood before it and no longer do (unless
/// the service has a new one), and how many others still stand. Listing every standing risk at every step
/// would repeat most of them for many steps (steps × services lines).
struct StepRisks<'p> {
    begun: Vec<&'p Risk>,
    /// Risks cleared by the step, each with the 1-based step it began after.
    cleared: Vec<(&'p Risk, usize)>,
    /// The services with a risk that begins after the step, sorted.
    renewed: Vec<ServiceId>,
    /// Services at risk since an earlier step.
    still: usize,
}

/// [`StepRisks`] for every step of `plan`, in one pass over its risks.
fn step_risks(plan: &Plan) -> Vec<StepRisks<'_>> {
    let mut out: Vec<StepRisks<'_>> = plan
        .steps
        .iter()
        .map(|_| StepRisks { begun: Vec::new(), cleared: Vec::new(), renewed: Vec::new(), still: 0 })
        .collect();
    for span in &plan.risks {
        if let Some(step) = out.get_mut(span.first) {
            step.begun.push(&span.risk);
        }
        // Ending with step `last`, it is cleared by the step after (unless
        // it ends because the risks stop being worked out there).
        if Some(span.last + 1) != plan.summary.risks_through_step
            && let Some(step) = out.get_mut(span.last + 1)
        {
            step.cleared.push((&span.risk, span.first + 1));
        }
    }
    for (step, risks) in plan.steps.iter().zip(&mut out) {
        risks.still = step.risk_count.saturating_sub(risks.begun.iter().map(|risk| risk.count()).sum());
        // A service whose risk changes has its new risk listed: that says
        // enough. So does a new risk of services on several nodes for the
        // one it follows.
        risks.renewed = risks.begun.iter().flat_map(|risk| risk.services().iter().copied()).collect();
        risks.renewed.sort_unstable();
        // A broken skew rule (no node, no services) is renewed only by a risk of the same rule.
        let spread_begun = risks
            .begun
            .iter()
            .any(|risk| risk.node().is_none() && risk.rule().is_none() && risk.replicated().is_none());
        let rules_begun: Vec<usize> = risks.begun.iter().filter_map(|risk| risk.rule()).collect();
        // A replicated service's risk is renewed only by another of its own.
        let replicated_begun: Vec<ReplicatedId> = risks.begun.iter().filter_map(|risk| risk.replicated()).collect();
        let renewed = &risks.renewed;
        risks.cleared.retain(|(risk, _)| match (risk.replicated(), risk.node(), risk.rule()) {
            (Some(service), _, _) => !replicated_begun.contains(&service),
            (None, Some(_), _) => risk.services().iter().any(|s| renewed.binary_search(s).is_err()),
            (None, None, Some(rule)) => !rules_begun.contains(&rule),
            (None, None, None) => !spread_begun,
        });
    }
    out
}

/// Risks of one step that read as one line: the same kind, level, node,
/// target and releases, for one or more services on that node; or one risk
/// of services on several nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskLine {
    pub kind: RiskKind,
    pub level: RiskLevel,
    /// In the description's order; empty for services on several nodes.
    pub services: Vec<ServiceId>,
    /// How many services are at risk.
    pub count: usize,
    /// "If NODE5 fails now, 20 services (VM1, VM2, VM3 and 17 more) fail over to ...".
    pub message: String,
}

/// `risks` (of one step) as lines: the risks of a node's services that
/// would fare alike make one line, so that a node of 20 virtual machines
/// reads as one line rather than twenty. Lines are in the order of their
/// first risk as given ([`Plan::risks_after`]: by the step it began after,
/// then by service), and a line's services in the description's order.
pub fn risk_lines<'p>(cluster: &Cluster, risks: impl IntoIterator<Item = &'p Risk>) -> Vec<RiskLine> {
    let risks: Vec<&Risk> = risks.into_iter().collect();
    let target = |risk: &Risk| risk.target.map_or(u64::from(u32::MAX), |t| t.index() as u64);
    let node = |risk: &Risk| risk.node().map_or(u64::from(u32::MAX), |n| n.index() as u64);
    group_alike(&risks, |risk| node(risk) << 32 | target(risk), |a, b| alike(a, b))
        .into_iter()
        .filter_map(|group| {
            let first = **group.first()?;
            let mut services: Vec<ServiceId> = group.iter().flat_map(|risk| risk.services().iter().copied()).collect();
            services.sort_unstable();
            let count = group.iter().map(|risk| risk.count()).sum();
            let message = group_message(cluster, first, &services, group.len());
            Some(RiskLine { kind: first.kind, level: first.level, services, count, message })
        })
        .collect()
}

/// The sentence of a group of `size` risks that read alike, `first` one of
/// them and `services` theirs, in order: the risk's own when it is alone,
/// else one naming the group's services.
fn group_message(cluster: &Cluster, first: &Risk, services: &[ServiceId], size: usize) -> String {
    match first.node() {
        Some(node) if size > 1 => {
            risk_message(cluster, first.kind, first.level, node, first.target, &first.releases, services)
        }
        _ => first.message(cluster),
    }
}

/// Whether two risks read alike: on the same node, with the same kind,
/// level, target and releases. Risks of services on several nodes read
/// alike with none: each is one line already.
fn alike(a: &Risk, b: &Risk) -> bool {
    // A replicated service's risk is its own line: it names no failover service to group by.
    a.node().is_some()
        && a.replicated().is_none()
        && b.replicated().is_none()
        && (a.node(), a.kind, a.level, a.target, &a.releases) == (b.node(), b.kind, b.level, b.target, &b.releases)
}

/// `items` in groups of those with the same `coarse` key that are `alike`
/// (to the group's first), each group in the items' order, the groups in
/// the order of their first item. Both orders come from sorting pairs of
/// integers: each new type a page sorts is another copy of the sort's code
/// in its wasm. `coarse` only brings candidates together (keys that collide
/// cost grouping, not correctness); `alike` decides.
fn group_alike<T>(items: &[T], coarse: impl Fn(&T) -> u64, alike: impl Fn(&T, &T) -> bool) -> Vec<Vec<&T>> {
    let mut order: Vec<(u64, u64)> = items.iter().enumerate().map(|(i, item)| (coarse(item), i as u64)).collect();
    order.sort_unstable();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let (mut run_start, mut previous) = (0, None);
    for &(key, index) in &order {
        let (index, Some(item)) = (index as usize, items.get(index as usize)) else { continue };
        if previous != Some(key) {
            (run_start, previous) = (groups.len(), Some(key));
        }
        let like = groups.get_mut(run_start..).and_then(|run| {
            run.iter_mut()
                .find(|group| group.first().and_then(|&f| items.get(f)).is_some_and(|first| alike(first, item)))
        });
        match like {
            Some(group) => group.push(index),
            None => groups.push(vec![index]),
        }
    }
    let mut firsts: Vec<(u64, u64)> =
        groups.iter().enumerate().map(|(g, group)| (group.first().map_or(u64::MAX, |&i| i as u64), g as u64)).collect();
    firsts.sort_unstable();
    firsts
        .iter()
        .filter_map(|&(_, g)| groups.get(g as usize))
        .map(|group| group.iter().filter_map(|&i| items.get(i)).collect())
        .collect()
}

/// Cleared risks as lines: those of one kind that began after the same step
/// make one, naming the services cleared that have no new risk (`renewed`).
fn cleared_lines(cluster: &Cluster, risks: &StepRisks<'_>) -> Vec<(RiskKind, String, usize)> {
    let coarse = |&(risk, since): &(&Risk, usize)| (risk.kind as u64) << 32 | since as u64;
    let same = |a: &(&Risk, usize), b: &(&Risk, usize)| a.0.kind == b.0.kind && a.1 == b.1;
    group_alike(&risks.cleared, coarse, same)
        .into_iter()
        .filter_map(|group| {
            let &&(first, since) = group.first()?;
            let mut services: Vec<ServiceId> = group
                .iter()
                .flat_map(|(risk, _)| risk.services().iter().copied())
                .filter(|s| risks.renewed.binary_search(s).is_err())
                .collect();
            services.sort_unstable();
            let spread: usize = group
                .iter()
                .filter(|(risk, _)| risk.node().is_none() && risk.replicated().is_none())
                .map(|(risk, _)| risk.count())
                .sum();
            let mut names = service_names(cluster, &services).into_owned();
            // Replicated services are named after the others, in their order.
            let mut replicated: Vec<ReplicatedId> = group.iter().filter_map(|(risk, _)| risk.replicated()).collect();
            replicated.sort_unstable();
            replicated.dedup();
            if !replicated.is_empty() {
                let listed: Vec<&str> =
                    replicated.iter().map(|&r| cluster.replicated_service(r).name.as_str()).collect();
                let listed = listed.join(", ");
                names = if names.is_empty() { listed } else { format!("{names}, {listed}") };
            }
            if spread > 0 {
                let others = format!("{} services that any node may run", thousands(spread));
                names = if names.is_empty() { others } else { format!("{names}, and {others}") };
            }
            Some((first.kind, names, since))
        })
        .collect()
}

/// The moves of a drain or failback, one line each: "EVS1 from NODE1 to NODE2".
/// A single move's title says it all, so it has none.
pub fn move_lines(cluster: &Cluster, action: &Action) -> Vec<String> {
    match action {
        Action::Drain { moves, .. } | Action::Failback { moves, .. } => moves
            .iter()
            .map(|m| {
                format!(
                    "{} from {} to {}",
                    cluster.service(m.service).name,
                    cluster.node(m.from).name,
                    cluster.node(m.to).name
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn earlier_risks(still: usize) -> String {
    if still == 1 { "1 risk from an earlier step".to_owned() } else { format!("{still} risks from earlier steps") }
}

/// The plan as a plain-text checklist (the CLI's default output).
pub fn plan_text(cluster: &Cluster, plan: &Plan, fingerprint: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Upgrade plan for {} (fingerprint {fingerprint})", cluster.name());
    let _ = writeln!(out, "{}\n", summary_line(&plan.summary));
    let cut = plan.summary.risks_through_step;
    let limits = limits_begun(plan);
    let headings = wave_headings(cluster, plan);
    let windows = window_marks(cluster, plan);
    let commands = step_commands(cluster, plan);
    let preflight = crate::platform::preflight(cluster);
    if !preflight.is_empty() {
        let _ = writeln!(out, "Before you start:");
        for check in &preflight {
            let _ = writeln!(out, "  [ ] {}", check.check);
            if let Some(command) = &check.command {
                let _ = writeln!(out, "      run: {command}");
            }
        }
        let _ = writeln!(out);
    }
    for ((index, step), risks) in plan.steps.iter().enumerate().zip(step_risks(plan)) {
        if let Some((_, Some(end))) = index.checked_sub(1).and_then(|previous| windows.get(previous)) {
            let _ = writeln!(out, "=== {end} ===\n");
        }
        if let Some((Some(heading), _)) = windows.get(index) {
            let _ = writeln!(out, "=== {heading} ===");
        }
        if let Some(Some(heading)) = headings.get(index) {
            let _ = writeln!(out, "     {heading}");
        }
        let _ = writeln!(out, "{:>3}. {}{}", index + 1, step.title, irreversible_mark(step));
        if Some(index) == cut
            && let Some(line) = risks_cut_line(plan)
        {
            let _ = writeln!(out, "       note: {line}");
        }
        for line in move_lines(cluster, &step.action) {
            let _ = writeln!(out, "       - {line}");
        }
        let _ = writeln!(out, "       before: {}", step.details.before);
        let _ = writeln!(out, "       after:  {}", step.details.after);
        let _ = writeln!(out, "       interruption: {} ({})", step.details.interruption, minutes(step.details.minutes));
        let _ = writeln!(out, "       rollback: {}", step.details.rollback);
        if let Some((commands, verify)) = commands.get(index) {
            for line in commands {
                let _ = writeln!(out, "       run:   {line}");
            }
            for line in verify {
                let _ = writeln!(out, "       check: {line}");
            }
        }
        for line in risk_lines(cluster, risks.begun.iter().copied()) {
            let _ = writeln!(out, "       {}[{}]: {}", risk_marker(line.level), line.kind.as_str(), line.message);
        }
        for (kind, services, since) in cleared_lines(cluster, &risks) {
            let _ = writeln!(out, "       cleared[{}]: {services} (since step {since})", kind.as_str());
        }
        for span in limits.get(index).into_iter().flatten() {
            let _ = writeln!(out, "       at the limit: {}", span.message);
        }
        if risks.still > 0 {
            let _ = writeln!(out, "       still at risk: {}", earlier_risks(risks.still));
        }
    }
    if let Some((_, Some(end))) = windows.last() {
        let _ = writeln!(out, "=== {end} ===");
    }
    out
}

/// For each step, its wave's number when that wave takes several nodes down
/// (its steps may be done in parallel), else `None`: a wave of one node is
/// plain one-at-a-time work that a checklist or timeline need not mark.
pub fn waves_of_several(plan: &Plan) -> Vec<Option<usize>> {
    let mut pauses = BTreeMap::<usize, usize>::new();
    for step in &plan.steps {
        if matches!(step.action, Action::Pause { .. }) {
            *pauses.entry(step.wave).or_default() += 1;
        }
    }
    plan.steps.iter().map(|step| (pauses.get(&step.wave).copied().unwrap_or(0) > 1).then_some(step.wave)).collect()
}

/// For each step, the heading a checklist puts before it: at the first step
/// of a wave that takes several nodes down, "Wave 3: NODE5, NODE6, NODE7 —
/// these may be done in parallel". A wave of one node needs no heading.
pub fn wave_headings(cluster: &Cluster, plan: &Plan) -> Vec<Option<String>> {
    let several = waves_of_several(plan);
    let mut nodes = BTreeMap::<usize, Vec<&str>>::new();
    for (step, wave) in plan.steps.iter().zip(&several) {
        if let (Some(wave), Action::Pause { node }) = (wave, &step.action) {
            nodes.entry(*wave).or_default().push(cluster.node(*node).name.as_str());
        }
    }
    let mut previous = None;
    several
        .iter()
        .map(|&wave| {
            let first = wave.is_some() && wave != previous;
            previous = wave;
            let wave = wave.filter(|_| first)?;
            Some(format!("Wave {wave}: {} — these may be done in parallel", nodes.get(&wave)?.join(", ")))
        })
        .collect()
}

/// For each step, the skew rules that come to their limit after it (or
/// whose pair at the limit changes): a checklist says so once, where it
/// begins, as it says a risk.
pub fn limits_begun(plan: &Plan) -> Vec<Vec<&LimitSpan>> {
    let mut out = vec![Vec::new(); plan.steps.len()];
    for span in &plan.at_limit {
        if let Some(step) = out.get_mut(span.first) {
            step.push(span);
        }
    }
    out
}

/// Each step's commands and checks on the cluster's platform (run, verify),
/// worked out on a replay; empty for `generic`, which has none.
pub fn step_commands(cluster: &Cluster, plan: &Plan) -> Vec<(Vec<String>, Vec<String>)> {
    if crate::platform::profile(cluster.platform()).is_none() {
        return Vec::new();
    }
    let mut replay = plan.replay(cluster);
    let mut commands = Vec::with_capacity(plan.steps.len());
    for step in &plan.steps {
        commands.push(crate::platform::step_commands(cluster, replay.state(), &step.action));
        replay.advance();
    }
    commands
}

/// `lines` as a fenced Markdown code block indented by `indent`, its fence
/// longer than any run of backticks in them (a name may hold some), and a
/// blank line after it.
fn code_block(lines: &[String], language: &str, indent: &str) -> String {
    let longest = lines.iter().flat_map(|line| line.split(|c| c != '`')).map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let mut block = format!("{indent}{fence}{language}\n");
    for line in lines {
        for part in line.lines() {
            block.push_str(indent);
            block.push_str(part);
            block.push('\n');
        }
    }
    block.push_str(indent);
    block.push_str(&fence);
    block.push('\n');
    block
}

/// " (irreversible)" after the title of a step that cannot be undone in place.
fn irreversible_mark(step: &Step) -> &'static str {
    if step.details.reversible { "" } else { " (irreversible)" }
}

/// The plan as a Markdown checklist to paste into a change ticket.
pub fn plan_markdown(cluster: &Cluster, plan: &Plan, fingerprint: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Upgrade plan: {}\n", escape_markdown(cluster.name()));
    let _ = writeln!(out, "Fingerprint `{fingerprint}` · {}\n", summary_line(&plan.summary));
    let cut = plan.summary.risks_through_step;
    let limits = limits_begun(plan);
    let headings = wave_headings(cluster, plan);
    let windows = window_marks(cluster, plan);
    let commands = step_commands(cluster, plan);
    let language = crate::platform::profile(cluster.platform()).map_or("", |p| match p.shell {
        crate::platform::Shell::Posix => "sh",
        crate::platform::Shell::PowerShell => "powershell",
    });
    let preflight = crate::platform::preflight(cluster);
    if !preflight.is_empty() {
        let _ = writeln!(out, "## Before you start\n");
        for check in &preflight {
            let _ = writeln!(out, "- [ ] {}", escape_markdown(&check.check));
            if let Some(command) = &check.command {
                let _ = writeln!(out, "\n{}", code_block(std::slice::from_ref(command), language, "  "));
            }
        }
        let _ = writeln!(out, "\n## Steps\n");
    }
    for ((index, step), risks) in plan.steps.iter().enumerate().zip(step_risks(plan)) {
        if let Some((_, Some(end))) = index.checked_sub(1).and_then(|previous| windows.get(previous)) {
            let _ = writeln!(out, "\n> {}", escape_markdown(end));
        }
        if let Some((Some(heading), _)) = windows.get(index) {
            let gap = if index == 0 { "" } else { "\n" };
            let _ = writeln!(out, "{gap}## {}\n", escape_markdown(heading));
        }
        if let Some(Some(heading)) = headings.get(index) {
            let gap = if index == 0 || windows.get(index).is_some_and(|mark| mark.0.is_some()) { "" } else { "\n" };
            let _ = writeln!(out, "{gap}**{}**\n", escape_markdown(heading));
        }
        let _ = writeln!(out, "- [ ] {}. **{}**{}", index + 1, escape_markdown(&step.title), irreversible_mark(step));
        if Some(index) == cut
            && let Some(line) = risks_cut_line(plan)
        {
            let _ = writeln!(out, "  - Note: {}", escape_markdown(&line));
        }
        for line in move_lines(cluster, &step.action) {
            let _ = writeln!(out, "  - [ ] {}", escape_markdown(&line));
        }
        let _ = writeln!(out, "  - Before: {}", escape_markdown(&step.details.before));
        let _ = writeln!(out, "  - After: {}", escape_markdown(&step.details.after));
        let _ = writeln!(
            out,
            "  - Interruption: {} ({})",
            escape_markdown(&step.details.interruption),
            minutes(step.details.minutes)
        );
        let _ = writeln!(out, "  - Rollback: {}", escape_markdown(&step.details.rollback));
        if let Some((run, verify)) = commands.get(index) {
            if !run.is_empty() {
                let _ = writeln!(out, "  - Run:\n\n{}", code_block(run, language, "    "));
            }
            if !verify.is_empty() {
                let _ = writeln!(out, "  - Check:\n\n{}", code_block(verify, language, "    "));
            }
        }
        for line in risk_lines(cluster, risks.begun.iter().copied()) {
            let _ = writeln!(
                out,
                "  - {} `{}`: {}",
                risk_marker(line.level),
                line.kind.as_str(),
                escape_markdown(&line.message)
            );
        }
        for (kind, services, since) in cleared_lines(cluster, &risks) {
            let _ =
                writeln!(out, "  - cleared `{}`: {} (since step {since})", kind.as_str(), escape_markdown(&services));
        }
        for span in limits.get(index).into_iter().flatten() {
            let _ = writeln!(out, "  - At the limit: {}", escape_markdown(&span.message));
        }
        if risks.still > 0 {
            let _ = writeln!(out, "  - still at risk: {}", earlier_risks(risks.still));
        }
    }
    if let Some((_, Some(end))) = windows.last() {
        let _ = writeln!(out, "\n> {}", escape_markdown(end));
    }
    out
}

/// The heading of a blocked outcome, as the text before and after the
/// cluster's name (so a page can set the name apart). Running out of search
/// budget, or an internal error, is not proof that no plan exists, and the
/// heading says which.
pub fn blocked_heading(reasons: &[Blocked]) -> (&'static str, &'static str) {
    let all = |rule| !reasons.is_empty() && reasons.iter().all(|r| r.rule == rule);
    if reasons.iter().any(|r| r.rule == BlockingRule::Internal) {
        ("No plan for ", ": rollplan met an internal error")
    } else if all(BlockingRule::SearchBudget) {
        ("No plan found for ", " within the search budget:")
    } else {
        ("No safe plan for ", ":")
    }
}

/// Why there is no plan, with what would unblock it.
pub fn blocked_text(cluster: &Cluster, reasons: &[Blocked]) -> String {
    let mut out = String::new();
    let (before, after) = blocked_heading(reasons);
    let _ = writeln!(out, "{before}{}{after}", cluster.name());
    for reason in reasons {
        let _ = writeln!(out, "  blocked[{}]: {}", rule_name(reason), reason.message);
        for change in &reason.unblock {
            let _ = writeln!(out, "    to unblock: {change}");
        }
    }
    out
}

fn rule_name(reason: &Blocked) -> &'static str {
    reason.rule.as_str()
}

/// Keeps names from descriptions from turning into Markdown markup or links.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The JSON document of `rollplan plan --format json` (docs/plan-format.md).
#[derive(Clone, Debug, Serialize)]
pub struct Document<'a> {
    /// `ok`, `blocked` or `invalid`.
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<&'a str>,
    pub diagnostics: &'a [Diagnostic],
    /// What to check before the first step, on a `platform` other than `generic`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub preflight: Vec<crate::platform::Preflight>,
    /// Empty unless the outcome is `ok` (and then empty only when there is nothing to do).
    pub steps: Vec<StepDocument<'a>>,
    /// What would go wrong if a node failed, each risk with the steps after which it stands.
    pub risks: Vec<RiskDocument<'a>>,
    /// The skew rules at their limit, each with the steps after which it is.
    pub at_limit: Vec<LimitDocument<'a>>,
    /// The maintenance windows (`policy.window_minutes`), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<WindowDocument<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<&'a Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<Vec<BlockedDocument<'a>>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StepDocument<'a> {
    pub index: usize,
    /// The wave, from 1: the nodes one wave takes down may be worked on at the same time.
    pub wave: usize,
    pub action: &'static str,
    pub title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ComponentChange<'a>>,
    /// The component a `finalize` step finalizes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<&'a str>,
    /// A drain's or failback's moves, in the order they are carried out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moves: Vec<MoveDocument<'a>>,
    pub details: DetailsDocument<'a>,
    /// How many risks stand after this step.
    pub risk_count: usize,
}

/// A step's details, with the commands of the cluster's platform.
#[derive(Clone, Debug, Serialize)]
pub struct DetailsDocument<'a> {
    #[serde(flatten)]
    pub details: &'a crate::plan::Details,
    /// The commands that carry the step out (`platform`), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
    /// The checks that prove it worked, each failing when it did not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub verify: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ComponentChange<'a> {
    pub name: &'a str,
    pub from: String,
    pub to: &'a str,
}

#[derive(Clone, Debug, Serialize)]
pub struct MoveDocument<'a> {
    pub service: &'a str,
    pub from: &'a str,
    pub to: &'a str,
}

#[derive(Clone, Debug, Serialize)]
pub struct RiskDocument<'a> {
    pub kind: RiskKind,
    pub level: RiskLevel,
    /// How many services are at risk.
    pub service_count: usize,
    /// The services on `node` that share this risk for the same steps, in
    /// the description's order; none for services on several nodes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<&'a str>,
    /// For a `version-skew` risk: the rule's place in the description's `skew` list (from 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<usize>,
    pub message: String,
    /// The first step (1-based) after which the risk stands.
    pub first_step: usize,
    /// The last step (1-based) after which it still stands.
    pub last_step: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct LimitDocument<'a> {
    /// The rule's place in the description's `skew` list (from 0).
    pub rule: usize,
    pub message: &'a str,
    /// The first step (1-based) after which the rule is at its limit.
    pub first_step: usize,
    /// The last step (1-based) after which it still is.
    pub last_step: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct BlockedDocument<'a> {
    pub rule: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<&'a str>,
    pub message: &'a str,
    pub unblock: &'a [String],
}

impl<'a> Document<'a> {
    pub fn new(analysis: &'a Analysis) -> Document<'a> {
        let diagnostics = analysis.validation.diagnostics.as_slice();
        let (Some(cluster), Some(outcome)) = (analysis.validation.cluster.as_ref(), analysis.outcome.as_ref()) else {
            return Document::without_plan(diagnostics, None, None);
        };
        let fingerprint = analysis.fingerprint.as_deref();
        let blocked = |reasons| Document::without_plan(diagnostics, Some((cluster.name(), fingerprint)), Some(reasons));
        match outcome {
            Outcome::Blocked(reasons) => blocked(
                reasons
                    .iter()
                    .map(|r| BlockedDocument {
                        rule: rule_name(r),
                        service: r.service.as_deref(),
                        node: r.node.as_deref(),
                        message: &r.message,
                        unblock: &r.unblock,
                    })
                    .collect(),
            ),
            Outcome::Planned(plan) => Document {
                outcome: "ok",
                cluster: Some(cluster.name()),
                fingerprint,
                diagnostics,
                preflight: crate::platform::preflight(cluster),
                steps: step_documents(cluster, plan),
                risks: risk_documents(cluster, plan),
                at_limit: plan
                    .at_limit
                    .iter()
                    .map(|span| LimitDocument {
                        rule: span.rule,
                        message: &span.message,
                        first_step: span.first + 1,
                        last_step: span.last + 1,
                    })
                    .collect(),
                windows: window_documents(cluster, plan),
                summary: Some(&plan.summary),
                blocked: None,
            },
        }
    }

    /// A document with no plan: `invalid` without a cluster, else `blocked` for `reasons`.
    fn without_plan(
        diagnostics: &'a [Diagnostic],
        cluster: Option<(&'a str, Option<&'a str>)>,
        reasons: Option<Vec<BlockedDocument<'a>>>,
    ) -> Document<'a> {
        Document {
            outcome: if cluster.is_some() { "blocked" } else { "invalid" },
            cluster: cluster.map(|(name, _)| name),
            fingerprint: cluster.and_then(|(_, fingerprint)| fingerprint),
            diagnostics,
            preflight: Vec::new(),
            steps: Vec::new(),
            risks: Vec::new(),
            at_limit: Vec::new(),
            windows: Vec::new(),
            summary: None,
            blocked: reasons,
        }
    }
}

/// One maintenance window in JSON.
#[derive(Clone, Debug, Serialize)]
pub struct WindowDocument<'a> {
    /// From 1.
    pub index: usize,
    /// Its first and last step (1-based, as `index` of the steps).
    pub first_step: usize,
    pub last_step: usize,
    /// Its steps' minutes on the wall clock.
    pub minutes: u32,
    /// The cluster as the window leaves it.
    pub state_after: StateDocument<'a>,
}

/// The cluster between two steps: each node's releases, where each service runs.
#[derive(Clone, Debug, Serialize)]
pub struct StateDocument<'a> {
    pub nodes: Vec<NodeStateDocument<'a>>,
    pub services: Vec<ServiceStateDocument<'a>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct NodeStateDocument<'a> {
    pub name: &'a str,
    /// Component name to release, for the components the node runs.
    pub versions: BTreeMap<&'a str, String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ServiceStateDocument<'a> {
    pub name: &'a str,
    pub node: &'a str,
}

/// The windows of `plan` as documents, each with the state it leaves.
fn window_documents<'a>(cluster: &'a Cluster, plan: &Plan) -> Vec<WindowDocument<'a>> {
    let states = states_after_windows(cluster, plan);
    plan.windows
        .iter()
        .zip(states)
        .enumerate()
        .map(|(index, (window, state))| WindowDocument {
            index: index + 1,
            first_step: window.first + 1,
            last_step: window.last + 1,
            minutes: window.minutes,
            state_after: StateDocument {
                nodes: state
                    .nodes
                    .iter_ids()
                    .map(|(node, node_state)| NodeStateDocument {
                        name: cluster.node(node).name.as_str(),
                        versions: cluster
                            .component_ids()
                            .filter_map(|c| {
                                Some((cluster.component(c).name.as_str(), node_state.version(c)?.to_owned()))
                            })
                            .collect(),
                    })
                    .collect(),
                services: state
                    .services
                    .iter_ids()
                    .map(|(service, service_state)| ServiceStateDocument {
                        name: cluster.service(service).name.as_str(),
                        node: cluster.node(service_state.node).name.as_str(),
                    })
                    .collect(),
            },
        })
        .collect()
}

/// The state each of `plan`'s windows leaves the cluster in, in one replay.
fn states_after_windows(cluster: &Cluster, plan: &Plan) -> Vec<State> {
    let mut states = Vec::with_capacity(plan.windows.len());
    let mut replay = plan.replay(cluster);
    let mut ends = plan.windows.iter().map(|window| window.last).peekable();
    let mut index = 0;
    while replay.advance().is_some() {
        // Windows are in order: only the next one's end can come up.
        if ends.next_if_eq(&index).is_some() {
            states.push(replay.state().clone());
        }
        index += 1;
    }
    states
}

/// For each step, what a checklist says about maintenance windows there:
/// a heading before a window's first step ("Window 1 of 2: steps 1 to 40,
/// about 4 h on the wall clock") and, after its last, the state the cluster
/// is left in until the next ("End of window 1: HV01 to HV08 run ...").
pub fn window_marks(cluster: &Cluster, plan: &Plan) -> Vec<(Option<String>, Option<String>)> {
    let mut marks = vec![(None, None); plan.steps.len()];
    let count = plan.windows.len();
    if count == 0 {
        // No windows, nothing to replay: the page asks this of every plan.
        return marks;
    }
    // One replay; each window's end is described from the state as it stands, not a copy of it.
    let mut replay = plan.replay(cluster);
    let mut windows = plan.windows.iter().enumerate().peekable();
    let mut index = 0;
    // Many windows of a large cluster: each end in counts kept as the steps go
    // (nodes on every target, services away), so that the marks cost the steps,
    // not windows × nodes.
    let brief = count.saturating_mul(cluster.nodes().len() + cluster.services().len()) > FULL_STATE_LINES;
    let components: Vec<ComponentId> = cluster.component_ids().collect();
    let mut done = cluster.node_ids().filter(|&node| cluster.node_at_target(node)).count();
    let mut away = 0usize;
    while let Some(step) = replay.advance() {
        if brief {
            match &step.action {
                Action::Upgrade { node, .. }
                    if replay.state().node(*node).at_targets(cluster, components.iter().copied()) =>
                {
                    done += 1;
                }
                action => {
                    for m in action.moves() {
                        let home = cluster.service(m.service).on;
                        away = (away + usize::from(m.to != home)).saturating_sub(usize::from(m.from != home));
                    }
                }
            }
        }
        while let Some((number, window)) = windows.next_if(|(_, window)| window.last <= index) {
            let number = number + 1;
            if let Some(mark) = marks.get_mut(window.first) {
                mark.0 = Some(format!(
                    "Window {number} of {count}: steps {} to {}, about {} min on the wall clock",
                    window.first + 1,
                    window.last + 1,
                    window.minutes
                ));
            }
            if let Some(mark) = marks.get_mut(window.last) {
                let until = if number < count {
                    format!("until window {} the cluster stays so", number + 1)
                } else {
                    "the upgrade is done".to_owned()
                };
                let state = if brief {
                    format!(
                        "{} of {} nodes run every target, {} away from the node they started on",
                        thousands(done),
                        thousands(cluster.nodes().len()),
                        if away == 1 { "1 service".to_owned() } else { format!("{} services", thousands(away)) }
                    )
                } else {
                    state_line(cluster, replay.state())
                };
                mark.1 = Some(format!("End of window {number}, {until}: {state}"));
            }
        }
        index += 1;
    }
    marks
}

/// A state between windows in a sentence: which nodes run which releases
/// (nodes alike named together) and which services are away from the node
/// they started on.
pub fn state_line(cluster: &Cluster, state: &State) -> String {
    // Nodes alike: the same release of every component (by reference: no text per node).
    let mut groups: Vec<NodesAlike<'_>> = Vec::new();
    let mut group_of: std::collections::HashMap<Vec<Option<&str>>, usize> = std::collections::HashMap::new();
    for (node, node_state) in state.nodes.iter_ids() {
        let releases: Vec<Option<&str>> = cluster.component_ids().map(|c| node_state.version(c)).collect();
        let name = cluster.node(node).name.as_str();
        let group = *group_of.entry(releases.clone()).or_insert_with(|| {
            groups.push((releases, Vec::new(), 0));
            groups.len() - 1
        });
        if let Some((_, names, count)) = groups.get_mut(group) {
            if names.len() < NAMES_SHOWN {
                names.push(name);
            }
            *count += 1;
        }
    }
    let nodes: Vec<String> = groups
        .iter()
        .map(|(releases, names, count)| {
            let verb = if *count == 1 { "runs" } else { "run" };
            let releases: Vec<String> = cluster
                .component_ids()
                .zip(releases)
                .filter_map(|(c, release)| Some(format!("{} {}", cluster.component(c).name, (*release)?)))
                .collect();
            let more = count.saturating_sub(names.len());
            let names = if more > 0 {
                format!("{} and {} more nodes", names.join(", "), thousands(more))
            } else {
                names.join(", ")
            };
            format!("{names} {verb} {}", releases.join(", "))
        })
        .collect();
    let away: Vec<String> = state
        .services
        .iter_ids()
        .filter(|(service, service_state)| service_state.node != cluster.service(*service).on)
        .map(|(service, service_state)| {
            format!("{} on {}", cluster.service(service).name, cluster.node(service_state.node).name)
        })
        .collect();
    let services = match (away.is_empty(), cluster.services().is_empty()) {
        (_, true) => String::new(),
        (true, false) => "; every service on the node it started on".to_owned(),
        (false, false) => {
            format!("; {}, the other services on the node they started on", first_names(&away, "services away"))
        }
    };
    format!("{}{services}", nodes.join("; "))
}

/// Up to [`NAMES_SHOWN`] of `names`, then how many more ("N1, N2, … and 40
/// more nodes"): the end of a window in a checklist stays a line, however
/// large the cluster (the JSON's `state_after` has them all).
fn first_names<T: AsRef<str>>(names: &[T], what: &str) -> String {
    let shown: Vec<&str> = names.iter().take(NAMES_SHOWN).map(AsRef::as_ref).collect();
    match names.len().checked_sub(NAMES_SHOWN).filter(|&more| more > 0) {
        Some(more) => format!("{} and {} more {what}", shown.join(", "), thousands(more)),
        None => shown.join(", "),
    }
}

/// Nodes that run the same releases: the releases (per component), the
/// first names, and how many there are.
type NodesAlike<'c> = (Vec<Option<&'c str>>, Vec<&'c str>, usize);

/// Above this many windows × (nodes + services), a window's end is said in
/// counts rather than node by node (see [`window_marks`]).
const FULL_STATE_LINES: usize = 200_000;

/// How many names a line about a window's end lists before it counts the rest.
const NAMES_SHOWN: usize = 12;

/// Every step of `plan` as a document.
fn step_documents<'a>(cluster: &'a Cluster, plan: &'a Plan) -> Vec<StepDocument<'a>> {
    let mut replay = plan.replay(cluster);
    let mut steps = Vec::with_capacity(plan.steps.len());
    for (index, step) in plan.steps.iter().enumerate() {
        steps.push(step_document(cluster, index + 1, step, replay.state()));
        replay.advance();
    }
    steps
}

/// Every risk of `plan` as a document: the risks of a node's services that
/// read alike and stand after the same steps are one document, so that a
/// node of 20 virtual machines drained together is one entry, not twenty
/// repeating the same sentence. Each risk of the plan is in exactly one.
fn risk_documents<'a>(cluster: &'a Cluster, plan: &'a Plan) -> Vec<RiskDocument<'a>> {
    let node_name = |n| cluster.node(n).name.as_str();
    let steps = |span: &RiskSpan| (span.first as u64 & 0x1f_ffff) << 43 | (span.last as u64 & 0x1f_ffff) << 22;
    let node = |span: &RiskSpan| span.risk.node().map_or(0x3f_ffff, |n| n.index() as u64 & 0x3f_ffff);
    let coarse = |span: &RiskSpan| steps(span) | node(span);
    let same = |a: &RiskSpan, b: &RiskSpan| a.first == b.first && a.last == b.last && alike(&a.risk, &b.risk);
    group_alike(&plan.risks, coarse, same)
        .into_iter()
        .filter_map(|group| {
            let first = *group.first()?;
            let risk = &first.risk;
            let mut services: Vec<ServiceId> =
                group.iter().flat_map(|span| span.risk.services().iter().copied()).collect();
            services.sort_unstable();
            let message = group_message(cluster, risk, &services, group.len());
            Some(RiskDocument {
                kind: risk.kind,
                level: risk.level,
                service_count: group.iter().map(|span| span.risk.count()).sum(),
                services: services
                    .iter()
                    .map(|&s| cluster.service(s).name.as_str())
                    .chain(risk.replicated().map(|r| cluster.replicated_service(r).name.as_str()))
                    .collect(),
                node: risk.node().map(node_name),
                target: risk.target.map(node_name),
                rule: risk.rule(),
                message,
                first_step: first.first + 1,
                last_step: first.last + 1,
            })
        })
        .collect()
}

fn step_document<'a>(cluster: &'a Cluster, index: usize, step: &'a Step, before: &State) -> StepDocument<'a> {
    let node_name = |n| cluster.node(n).name.as_str();
    let service_name = |s| cluster.service(s).name.as_str();
    let mut document = StepDocument {
        index,
        wave: step.wave,
        action: step.action.name(),
        title: &step.title,
        node: None,
        service: None,
        from: None,
        to: None,
        components: Vec::new(),
        component: None,
        moves: Vec::new(),
        details: {
            let (commands, verify) = crate::platform::step_commands(cluster, before, &step.action);
            DetailsDocument { details: &step.details, commands, verify }
        },
        risk_count: step.risk_count,
    };
    match &step.action {
        Action::Move { service, from, to } | Action::Verify { service, from, to } => {
            document.service = Some(service_name(*service));
            document.from = Some(node_name(*from));
            document.to = Some(node_name(*to));
        }
        Action::Drain { node, moves } | Action::Failback { node, moves, .. } => {
            document.node = Some(node_name(*node));
            document.moves = moves
                .iter()
                .map(|m| MoveDocument {
                    service: service_name(m.service),
                    from: node_name(m.from),
                    to: node_name(m.to),
                })
                .collect();
        }
        Action::Pause { node } | Action::Resume { node } => document.node = Some(node_name(*node)),
        Action::Upgrade { node, components } => {
            document.node = Some(node_name(*node));
            let node_before = before.node(*node);
            document.components = components
                .iter()
                .map(|hop| ComponentChange {
                    name: &cluster.component(hop.component).name,
                    from: node_before.version(hop.component).unwrap_or(&hop.from).to_owned(),
                    to: &hop.to,
                })
                .collect();
        }
        Action::Offline { service, node } | Action::Online { service, node } => {
            document.service = Some(service_name(*service));
            document.node = Some(node_name(*node));
        }
        Action::Finalize { component } => document.component = Some(&cluster.component(*component).name),
    }
    document
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAIR: &str = "format: 1\ncluster: P\ncomponents:\n  app: {target: '2.0'}\nnodes:\n  - {name: A, versions: {app: '1.0'}}\n  - {name: B, versions: {app: '1.0'}}\nservices:\n  - {name: S, on: A}\npolicy: {quorum: disk}\n";

    #[test]
    fn running_out_of_budget_does_not_claim_that_no_plan_exists() {
        let analysis = analyze(PAIR, crate::Syntax::Yaml);
        let cluster = analysis.validation.cluster.as_ref().unwrap();
        let reason = |rule| Blocked { rule, service: None, node: None, message: "why".into(), unblock: vec![] };
        assert!(
            blocked_text(cluster, &[reason(BlockingRule::SearchBudget)])
                .starts_with("No plan found for P within the search budget:")
        );
        assert!(blocked_text(cluster, &[reason(BlockingRule::NoRoom)]).starts_with("No safe plan for P:"));
        assert!(
            blocked_text(cluster, &[reason(BlockingRule::NoRoom), reason(BlockingRule::Internal)])
                .starts_with("No plan for P: rollplan met an internal error")
        );
    }

    /// Every step's risks, as lines: each risk in exactly one line, a
    /// line's risks alike (node, kind, level, target, releases) and lines of
    /// one node never alike, lines in the order of their first risk, and a
    /// line of one risk worded as the risk itself.
    #[test]
    fn risk_lines_partition_a_steps_risks_into_alike_groups() {
        use std::fmt::Write as _;
        // Services on one node that use different components: alike targets, different releases.
        let mut text = String::from(
            "format: 1\ncomponents:\n  os: {releases: [A, B], target: B}\n  app: {releases: ['1', '2'], target: '2'}\nnodes:\n",
        );
        for i in 0..6 {
            writeln!(text, "  - {{name: N{i}, versions: {{os: A, app: '1'}}, capacity: 6}}").unwrap();
        }
        text.push_str("services:\n");
        // Owners listed, every node, each service its own risk: the lines group them.
        for i in 0..6 {
            let owners: Vec<String> = (0..6).map(|o| format!("N{}", (i + o) % 6)).collect();
            let owners = owners.join(", ");
            for k in 0..4 {
                let uses = if k % 2 == 0 { "[os]" } else { "[os, app]" };
                writeln!(text, "  - {{name: S{i}_{k}, on: N{i}, uses: {uses}, owners: [{owners}]}}").unwrap();
            }
        }
        text.push_str("policy: {quorum: majority, failback: verify}\n");
        let mut seen_mixed_line = false;
        for text in [text.as_str(), include_str!("../../../tests/cases/farm-16-nodes.yaml")] {
            let analysis = analyze(text, crate::Syntax::Yaml);
            let (Some(cluster), Some(plan)) = (analysis.validation.cluster.as_ref(), analysis.plan()) else {
                panic!("no plan")
            };
            for index in 0..plan.steps.len() {
                let risks: Vec<&Risk> = plan.risks_after(index).collect();
                let lines = risk_lines(cluster, risks.iter().copied());
                let mut covered: Vec<ServiceId> = lines.iter().flat_map(|line| line.services.clone()).collect();
                covered.sort_unstable();
                let mut expected: Vec<ServiceId> = risks.iter().flat_map(|risk| risk.services().to_vec()).collect();
                expected.sort_unstable();
                assert_eq!(covered, expected, "step {index}: every risk in exactly one line");
                let of = |service: ServiceId| risks.iter().find(|risk| risk.services() == [service]).copied().unwrap();
                let alike = |a: &Risk, b: &Risk| {
                    (a.node(), a.kind, a.level, a.target, &a.releases)
                        == (b.node(), b.kind, b.level, b.target, &b.releases)
                };
                // Risks of services on several nodes are a line each, as they are.
                let spread: Vec<&RiskLine> = lines.iter().filter(|line| line.services.is_empty()).collect();
                let spread_risks: Vec<&&Risk> = risks.iter().filter(|risk| risk.node().is_none()).collect();
                assert_eq!(spread.len(), spread_risks.len());
                for (line, risk) in spread.iter().zip(spread_risks) {
                    assert_eq!((&line.message, line.count), (&risk.message(cluster), risk.count()));
                }
                let lines: Vec<RiskLine> = lines.into_iter().filter(|line| !line.services.is_empty()).collect();
                for (n, line) in lines.iter().enumerate() {
                    let first = of(line.services[0]);
                    assert!(line.services.windows(2).all(|w| w[0] < w[1]));
                    assert!(line.services.iter().all(|&s| alike(of(s), first)), "step {index}: {line:?}");
                    if line.services.len() == 1 {
                        assert_eq!(line.message, first.message(cluster));
                    } else {
                        seen_mixed_line |= first.kind == RiskKind::MixedVersionFailover;
                    }
                    // Where a line's first risk stands among the risks given.
                    let at = |line: &RiskLine| {
                        risks
                            .iter()
                            .position(|risk| risk.services().first().is_some_and(|s| line.services.contains(s)))
                            .unwrap()
                    };
                    for other in lines.get(n + 1..).unwrap_or_default() {
                        assert!(!alike(of(other.services[0]), first), "step {index}: two lines alike");
                        assert!(at(other) > at(line), "step {index}: lines out of order");
                    }
                }
            }
        }
        assert!(seen_mixed_line, "a line of several mixed-version risks was exercised");
    }
}
