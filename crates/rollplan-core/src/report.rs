//! Plans and blocked outcomes as text, Markdown and a JSON-ready document.
//!
//! Shared by every shell, so that `rollplan plan --format markdown` and the
//! web app's export are the same text, and the page says "blocked" in the
//! same words as the command line.

use std::fmt::Write;

use serde::Serialize;

use crate::fingerprint::fingerprint;
use crate::model::Cluster;
use crate::plan::{Action, Blocked, Outcome, Plan, RiskKind, RiskLevel, Step, Summary};
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
    let estimate = if summary.estimate_incomplete { format!("at least {} min", summary.estimated_minutes) } else { format!("about {} min", summary.estimated_minutes) };
    format!(
        "{}, {}, {} offline ({} outage minutes), {} with mixed versions, {estimate}",
        plural(summary.steps, "step", "steps"),
        plural(summary.moves, "move", "moves"),
        plural(summary.services_offline, "service", "services"),
        summary.outage_minutes,
        plural(summary.mixed_version_steps, "step", "steps"),
    )
}

fn risk_marker(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Error => "error",
        RiskLevel::Warning => "warning",
        RiskLevel::Info => "note",
    }
}

/// The plan as a plain-text checklist (the CLI's default output).
pub fn plan_text(cluster: &Cluster, plan: &Plan, fingerprint: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Upgrade plan for {} (fingerprint {fingerprint})", cluster.name);
    let _ = writeln!(out, "{}\n", summary_line(&plan.summary));
    for (index, step) in plan.steps.iter().enumerate() {
        let _ = writeln!(out, "{:>3}. {}", index + 1, step.title);
        let _ = writeln!(out, "       before: {}", step.details.before);
        let _ = writeln!(out, "       after:  {}", step.details.after);
        let _ = writeln!(out, "       interruption: {} ({})", step.details.interruption, minutes(step.details.minutes));
        for risk in &step.risks {
            let _ = writeln!(out, "       {}[{}]: {}", risk_marker(risk.level), risk.kind.as_str(), risk.message);
        }
    }
    out
}

/// The plan as a Markdown checklist to paste into a change ticket.
pub fn plan_markdown(cluster: &Cluster, plan: &Plan, fingerprint: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Upgrade plan: {}\n", escape_markdown(&cluster.name));
    let _ = writeln!(out, "Fingerprint `{fingerprint}` · {}\n", summary_line(&plan.summary));
    for (index, step) in plan.steps.iter().enumerate() {
        let _ = writeln!(out, "- [ ] {}. **{}**", index + 1, escape_markdown(&step.title));
        let _ = writeln!(out, "  - Before: {}", escape_markdown(&step.details.before));
        let _ = writeln!(out, "  - After: {}", escape_markdown(&step.details.after));
        let _ = writeln!(out, "  - Interruption: {} ({})", escape_markdown(&step.details.interruption), minutes(step.details.minutes));
        for risk in &step.risks {
            let _ = writeln!(out, "  - {} `{}`: {}", risk_marker(risk.level), risk.kind.as_str(), escape_markdown(&risk.message));
        }
    }
    out
}

/// Why there is no plan, with what would unblock it.
pub fn blocked_text(cluster: &Cluster, reasons: &[Blocked]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "No safe plan for {}:", cluster.name);
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
    /// Empty unless the outcome is `ok` (and then empty only when there is nothing to do).
    pub steps: Vec<StepDocument<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<&'a Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<Vec<BlockedDocument<'a>>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StepDocument<'a> {
    pub index: usize,
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
    pub details: &'a crate::plan::Details,
    pub risks: Vec<RiskDocument<'a>>,
    pub state_after: StateDocument<'a>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ComponentChange<'a> {
    pub name: &'a str,
    pub from: String,
    pub to: &'a str,
}

#[derive(Clone, Debug, Serialize)]
pub struct RiskDocument<'a> {
    pub kind: RiskKind,
    pub level: RiskLevel,
    pub service: &'a str,
    pub node: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<&'a str>,
    pub message: &'a str,
}

#[derive(Clone, Debug, Serialize)]
pub struct StateDocument<'a> {
    pub nodes: Vec<NodeDocument<'a>>,
    pub services: Vec<ServiceDocument<'a>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct NodeDocument<'a> {
    pub name: &'a str,
    pub up: bool,
    /// Component name to release.
    pub versions: std::collections::BTreeMap<&'a str, &'a str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ServiceDocument<'a> {
    pub name: &'a str,
    pub node: &'a str,
    pub online: bool,
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
            return Document { outcome: "invalid", cluster: None, fingerprint: None, diagnostics, steps: Vec::new(), summary: None, blocked: None };
        };
        let fingerprint = analysis.fingerprint.as_deref();
        match outcome {
            Outcome::Blocked(reasons) => Document {
                outcome: "blocked",
                cluster: Some(&cluster.name),
                fingerprint,
                diagnostics,
                steps: Vec::new(),
                summary: None,
                blocked: Some(
                    reasons
                        .iter()
                        .map(|r| BlockedDocument { rule: rule_name(r), service: r.service.as_deref(), node: r.node.as_deref(), message: &r.message, unblock: &r.unblock })
                        .collect(),
                ),
            },
            Outcome::Planned(plan) => {
                let mut before = crate::plan::State::initial(cluster);
                let mut steps = Vec::with_capacity(plan.steps.len());
                for (index, step) in plan.steps.iter().enumerate() {
                    steps.push(step_document(cluster, index + 1, step, &before));
                    before.clone_from(&step.state_after);
                }
                Document { outcome: "ok", cluster: Some(&cluster.name), fingerprint, diagnostics, steps, summary: Some(&plan.summary), blocked: None }
            }
        }
    }
}

fn step_document<'a>(cluster: &'a Cluster, index: usize, step: &'a Step, before: &crate::plan::State) -> StepDocument<'a> {
    let node_name = |n: usize| cluster.nodes[n].name.as_str();
    let service_name = |s: usize| cluster.services[s].name.as_str();
    let mut document = StepDocument {
        index,
        action: step.action.name(),
        title: &step.title,
        node: None,
        service: None,
        from: None,
        to: None,
        components: Vec::new(),
        details: &step.details,
        risks: step
            .risks
            .iter()
            .map(|r| RiskDocument { kind: r.kind, level: r.level, service: service_name(r.service), node: node_name(r.node), target: r.target.map(node_name), message: &r.message })
            .collect(),
        state_after: StateDocument {
            nodes: step
                .state_after
                .nodes
                .iter()
                .enumerate()
                .map(|(n, state)| NodeDocument {
                    name: node_name(n),
                    up: state.up,
                    versions: cluster.components.iter().zip(&state.versions).map(|(c, v)| (c.name.as_str(), v.as_str())).collect(),
                })
                .collect(),
            services: step.state_after.services.iter().enumerate().map(|(s, state)| ServiceDocument { name: service_name(s), node: node_name(state.node), online: state.online }).collect(),
        },
    };
    match &step.action {
        Action::Move { service, from, to } | Action::Verify { service, from, to } => {
            document.service = Some(service_name(*service));
            document.from = Some(node_name(*from));
            document.to = Some(node_name(*to));
        }
        Action::Pause { node } | Action::Resume { node } => document.node = Some(node_name(*node)),
        Action::Upgrade { node, components } => {
            document.node = Some(node_name(*node));
            document.components = components
                .iter()
                .map(|&c| ComponentChange { name: &cluster.components[c].name, from: before.nodes[*node].versions[c].clone(), to: &cluster.components[c].target })
                .collect();
        }
        Action::Offline { service, node } | Action::Online { service, node } => {
            document.service = Some(service_name(*service));
            document.node = Some(node_name(*node));
        }
    }
    document
}
