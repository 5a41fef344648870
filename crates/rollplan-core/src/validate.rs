//! Validation: from text to a [`Cluster`] and every problem found on the way.
//!
//! Three passes, each only as far as the previous one allows: syntax (the
//! format's parser), shape ([`crate::read`]: fields, types, defaults) and
//! meaning (this module: references, versions, capacity, and warnings about
//! the cluster's situation). Every problem is reported, not just the first.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic, Sink, Span, did_you_mean};
use crate::model::{
    Cluster, Component, ComponentId, Coverage, Id, IdVec, Node, NodeId, Policy, Quorum, ReleasePath, ReplicatedParts,
    Service, ServiceId, ServiceParts, SkewLevel, SkewLimit, SkewRule, SkewScope,
};
use crate::read::{FieldPath, NameRef, PathWord, RawDescription, RawService, RawSkew, Text, read};
use crate::skew;
use crate::syntax::{Syntax, Tree, Value, parse};
use crate::version::is_dotted_numeric;

/// Largest description read, in bytes.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;
/// Most nodes in one description.
pub const MAX_NODES: usize = 10_000;
/// Most services in one description.
pub const MAX_SERVICES: usize = 100_000;

/// The outcome of validating one description.
#[derive(Clone, Debug, Serialize)]
pub struct Validation {
    /// The syntax the text was read as.
    pub syntax: Syntax,
    /// The cluster, when the description has no errors.
    #[serde(skip)]
    pub cluster: Option<Cluster>,
    /// Every problem found, errors first, then in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Validation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Validates a description, detecting its syntax from the content.
pub fn validate(text: &str) -> Validation {
    validate_as(text, Syntax::detect(text))
}

/// Validates a description written in `syntax`.
pub fn validate_as(text: &str, syntax: Syntax) -> Validation {
    let mut sink = Sink::new(text);
    let cluster = check(text, syntax, &mut sink);
    let mut diagnostics = sink.diagnostics;
    diagnostics.sort_by_key(|d| (d.severity, d.span.start, d.span.end));
    Validation {
        syntax,
        cluster: if diagnostics.iter().any(Diagnostic::is_error) { None } else { cluster },
        diagnostics,
    }
}

fn check(text: &str, syntax: Syntax, sink: &mut Sink<'_>) -> Option<Cluster> {
    if text.len() > MAX_INPUT_BYTES {
        sink.report(
            Code::InputTooLarge,
            Span::new(0, 0),
            "",
            format!("the description is {} bytes; the limit is {MAX_INPUT_BYTES} bytes (1 MiB)", text.len()),
        )
        .hint("a description of 10,000 nodes fits well within 1 MiB: is this the right file?");
        return None;
    }
    let root = parse(text, syntax, sink)?;
    if exceeds_count_limits(&root, sink) {
        return None;
    }
    let raw = read(&root, sink)?;
    let mut resolver = Resolver {
        sink,
        component_spans: Vec::new(),
        node_spans: Vec::new(),
        service_spans: Vec::new(),
        node_paths: Vec::new(),
        service_paths: Vec::new(),
        policy_spans: (Span::default(), Span::default()),
        skew_spans: Vec::new(),
    };
    let cluster = resolver.resolve(raw)?;
    resolver.skew_rules(&cluster);
    resolver.situation(&cluster);
    Some(cluster)
}

/// Refuses descriptions with more nodes or services than the limits, before reading them.
fn exceeds_count_limits(root: &Tree<'_>, sink: &mut Sink<'_>) -> bool {
    let Value::Mapping(entries) = &root.value else { return false };
    let mut exceeded = false;
    for (key, value) in entries {
        let limit = match key.name.as_ref() {
            "nodes" => MAX_NODES,
            "services" => MAX_SERVICES,
            _ => continue,
        };
        if let Value::Sequence(items) = &value.value
            && items.len() > limit
        {
            sink.report(
                Code::InputTooLarge,
                key.span,
                key.name.to_string(),
                format!("{} {} listed; the limit is {limit}", items.len(), key.name),
            );
            exceeded = true;
        }
    }
    exceeded
}

/// Spans of a resolved node, for pointing at it in later checks.
#[derive(Clone, Copy, Default)]
struct NodeSpans {
    name: Span,
    capacity: Option<Span>,
}

#[derive(Clone, Copy, Default)]
struct ComponentSpans {
    name: Span,
    rolling: Span,
    mixed_failover: Span,
}

struct Resolver<'s, 't> {
    sink: &'s mut Sink<'t>,
    component_spans: Vec<ComponentSpans>,
    node_spans: Vec<NodeSpans>,
    service_spans: Vec<Span>,
    /// The paths of resolved nodes and services in the description
    /// (`nodes[3]`): a position among the resolved ones can differ from the
    /// position written, after a skipped duplicate.
    node_paths: Vec<String>,
    service_paths: Vec<String>,
    /// Spans of `policy.max_down` and `policy.quorum` (empty when defaulted).
    policy_spans: (Span, Span),
    /// The span and path (`skew[2]`) of each resolved skew rule.
    skew_spans: Vec<(Span, String)>,
}

impl Resolver<'_, '_> {
    fn line_of(&self, span: Span) -> u32 {
        self.sink.line_index().line_column(self.sink.text(), span.start).0
    }

    // Spans are pushed with each resolved node, service and component, in the
    // same order, so an index of one always has its spans. Were one missing,
    // the diagnostic would still be reported, at the start of the text.

    // Before the cluster exists, nodes, services and components are known by
    // their position among the resolved ones; the ids of the cluster are the same positions.

    fn node_span(&self, node: usize) -> NodeSpans {
        self.node_spans.get(node).copied().unwrap_or_default()
    }

    fn service_span(&self, service: usize) -> Span {
        self.service_spans.get(service).copied().unwrap_or_default()
    }

    fn component_span(&self, component: usize) -> ComponentSpans {
        self.component_spans.get(component).copied().unwrap_or_default()
    }

    fn resolve(&mut self, raw: RawDescription<'_>) -> Option<Cluster> {
        let RawDescription {
            cluster,
            platform,
            components: raw_components,
            nodes: raw_nodes,
            nodes_span,
            services: raw_services,
            policy: raw_policy,
            skew: raw_skew,
            ..
        } = raw;

        // Components: releases and targets.
        // Every declared name, even of components too broken to resolve, so that
        // references to them do not cascade into "unknown component" errors.
        let declared: Vec<String> = raw_components.iter().map(|c| c.name.value.clone()).collect();
        let mut components = Vec::with_capacity(raw_components.len());
        // Whether each component's target is a known release (else versions cannot be compared to it).
        let mut target_known = Vec::with_capacity(raw_components.len());
        for raw in raw_components {
            let mut releases: Vec<String> = Vec::new();
            for (index, release) in raw.releases.iter().flatten().enumerate() {
                if releases.contains(&release.value) {
                    self.sink
                        .report(
                            Code::DuplicateEntry,
                            release.span,
                            format!("{}.releases[{index}]", raw.path),
                            format!("release `{}` is listed twice", release.value),
                        )
                        .hint("each release appears once, oldest first");
                } else {
                    releases.push(release.value.clone());
                }
            }
            let Some(target) = raw.target else { continue };
            let known = releases.is_empty() || releases.contains(&target.value);
            if !known {
                self.unknown_release(&target, &raw.name.value, &releases, &format!("{}.target", raw.path));
            }
            let path = self.release_path(&raw.name.value, &raw.path, raw.release_path, raw.stops.as_deref(), &releases);
            target_known.push(known);
            self.component_spans.push(ComponentSpans {
                name: raw.name.span,
                rolling: raw.rolling.span,
                mixed_failover: raw.mixed_failover.span,
            });
            components.push(Component {
                title: raw.title.map_or_else(|| raw.name.value.clone(), |t| t.value),
                name: raw.name.value,
                releases,
                target: target.value,
                rolling: raw.rolling.value,
                mixed_failover: raw.mixed_failover.value,
                reboot: raw.reboot,
                minutes: raw.minutes,
                reversible: raw.reversible,
                finalize: raw.finalize,
                path,
            });
        }
        let component_names: Vec<&str> = components.iter().map(|c| c.name.as_str()).collect();
        // With roles, a node runs what its `versions` name (a worker runs no
        // kube-apiserver); without, every node runs every component, as format 1 always read.
        let partial = raw_nodes.iter().any(|raw| raw.role.is_some());

        // Nodes: unique names, one known version per component, no downgrade.
        let mut nodes: Vec<Node> = Vec::with_capacity(raw_nodes.len());
        let mut node_index: HashMap<String, usize> = HashMap::with_capacity(raw_nodes.len());
        for raw in &raw_nodes {
            let Some(name) = &raw.name else { continue };
            if let Some(&first) = node_index.get(&name.value) {
                let line = self.line_of(self.node_span(first).name);
                self.sink
                    .report(
                        Code::DuplicateName,
                        name.span,
                        format!("{}.name", raw.path),
                        format!("there is already a node named `{}`", name.value),
                    )
                    .hint(format!("the first is on line {line}; node names must be unique"));
                continue;
            }
            let mut versions: Vec<Option<String>> = vec![None; components.len()];
            for (component, version) in &raw.versions {
                // Spelt out only for a diagnostic.
                let path = || format!("{}.versions.{}", raw.path, component.value);
                let found =
                    components.iter().zip(&target_known).enumerate().find(|(_, (c, _))| c.name == component.value);
                let Some((id, (definition, &target_known))) = found else {
                    if declared.contains(&component.value) {
                        continue; // declared, but its own definition has errors
                    }
                    let diagnostic = self.sink.report(
                        Code::UnknownComponent,
                        component.span,
                        path(),
                        format!(
                            "node `{}` has a version of `{}`, which is not among the components",
                            name.value, component.value
                        ),
                    );
                    hint_name(diagnostic, &component.value, &component_names, "components");
                    continue;
                };
                if !definition.releases.is_empty() && !definition.releases.contains(&version.value) {
                    self.unknown_release(version, &definition.name, &definition.releases, &path());
                } else if target_known && definition.compare(&version.value, &definition.target).is_gt() {
                    self.sink
                        .report(
                            Code::Downgrade,
                            version.span,
                            path(),
                            format!(
                                "node `{}` runs {} {}, newer than the target {}",
                                name.value, definition.name, version.value, definition.target
                            ),
                        )
                        .hint(format!(
                            "rollplan does not downgrade: set `components.{}.target` to {} or newer",
                            definition.name, version.value
                        ));
                }
                // `versions` has one slot per component, and `id` is a component's index.
                if let Some(slot) = versions.get_mut(id) {
                    *slot = Some(version.value.clone());
                }
            }
            for (version, component) in versions.iter().zip(&components) {
                if version.is_none() && raw.versions_readable && !partial {
                    self.sink
                        .report(
                            Code::MissingVersion,
                            raw.versions_span,
                            format!("{}.versions", raw.path),
                            format!("node `{}` has no version for component `{}`", name.value, component.name),
                        )
                        .hint(format!("add `{}: <current version>` to its versions", component.name));
                }
            }
            node_index.insert(name.value.clone(), nodes.len());
            self.node_spans.push(NodeSpans { name: name.span, capacity: raw.capacity.map(|c| c.span) });
            self.node_paths.push(raw.path.clone());
            nodes.push(Node {
                name: name.value.clone(),
                versions,
                capacity: raw.capacity.map(|c| c.value),
                role: raw.role.as_ref().map(|role| role.value.clone()),
            });
        }
        if raw_nodes.is_empty() && nodes_span != Span::default() {
            self.sink
                .report(Code::NoNodes, nodes_span, "nodes", "the cluster has no nodes")
                .hint("list every node of the cluster under `nodes`");
        }
        let node_names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();

        let coverage = Coverage::new(&nodes, components.len());

        // Services: unique names, known nodes and components, running on an owner.
        let mut services: Vec<ServiceParts> = Vec::with_capacity(raw_services.len());
        // Every service's name (failover or replicated) with where it is written: names are unique across both.
        let mut service_names: HashMap<String, Span> = HashMap::with_capacity(raw_services.len());
        let mut replicated: Vec<ReplicatedParts> = Vec::new();
        for raw in &raw_services {
            let Some(name) = &raw.name else { continue };
            if let Some(&first) = service_names.get(&name.value) {
                let line = self.line_of(first);
                self.sink
                    .report(
                        Code::DuplicateName,
                        name.span,
                        format!("{}.name", raw.path),
                        format!("there is already a service named `{}`", name.value),
                    )
                    .hint(format!("the first is on line {line}; service names must be unique"));
                continue;
            }
            service_names.insert(name.value.clone(), name.span);
            let uses = match &raw.uses {
                None => Some((0..components.len()).collect()),
                Some(list) => {
                    // Names of declared-but-broken components resolve to nothing, silently.
                    let known: Vec<NameRef<'_>> = list
                        .iter()
                        .copied()
                        .filter(|t| component_names.contains(&t.value) || !declared.iter().any(|d| d == t.value))
                        .collect();
                    self.ref_list(
                        &known,
                        FieldPath::field(&raw.path, "uses"),
                        Reference::Component,
                        |text| component_names.iter().position(|c| *c == text),
                        &component_names,
                    )
                }
            };
            if raw.replicated || raw.min_available.is_some() {
                if let Some(parts) =
                    self.replicated(raw, &name.value, uses, &node_index, &node_names, &nodes, &components)
                {
                    replicated.push(parts);
                }
                continue;
            }
            self.service_spans.push(name.span);
            // The node it runs on, with the text naming it.
            let on = raw.on.as_ref().and_then(|on| {
                Some((self.node_ref(on, &node_index, &node_names, FieldPath::field(&raw.path, "on"))?, on))
            });
            // Left out: every node (kept as such, not spelt out: 10,000 nodes would make that huge).
            let owners = match &raw.owners {
                None => Some(None),
                Some(list) => self
                    .ref_list(
                        list,
                        FieldPath::field(&raw.path, "owners"),
                        Reference::Node,
                        |text| node_index.get(text).copied(),
                        &node_names,
                    )
                    .map(Some),
            };
            let (Some((on, on_text)), Some(owners), Some(uses)) = (on, owners, uses) else { continue };
            if owners.as_ref().is_some_and(Vec::is_empty) {
                self.sink
                    .report(
                        Code::InvalidValue,
                        raw.span,
                        format!("{}.owners", raw.path),
                        format!("service `{}` has an empty `owners` list", name.value),
                    )
                    .hint("name at least the node it runs on, or leave `owners` out to allow every node");
                continue;
            }
            if owners.as_ref().is_some_and(|list| !list.contains(&on)) {
                // `on` was resolved by this very name, so it is the node's name.
                let on_name = &on_text.value;
                self.sink
                    .report(
                        Code::NotAnOwner,
                        on_text.span,
                        format!("{}.on", raw.path),
                        format!("service `{}` runs on `{on_name}`, which is not among its owners", name.value),
                    )
                    .hint(format!("add {on_name} to `owners`, or correct `on`"));
                continue;
            }
            if !self.runs_what_it_uses(
                &name.value,
                raw.span,
                &raw.path,
                &nodes,
                &components,
                &coverage,
                on,
                owners.as_deref(),
                &uses,
            ) {
                continue;
            }
            self.service_paths.push(raw.path.clone());
            services.push(ServiceParts { name: name.value.clone(), on, owners, uses });
        }

        // Capacity as things stand.
        let mut hosted_on = vec![0usize; nodes.len()];
        for service in &services {
            if let Some(count) = hosted_on.get_mut(service.on) {
                *count += 1;
            }
        }
        for ((id, node), &hosted) in nodes.iter().enumerate().zip(&hosted_on) {
            if let (Some(capacity), Some(span)) = (node.capacity, self.node_span(id).capacity)
                && hosted > capacity as usize
            {
                let names: Vec<&str> = services.iter().filter(|s| s.on == id).map(|s| s.name.as_str()).collect();
                let path = self.node_paths.get(id).map_or_else(|| format!("nodes[{id}]"), Clone::clone);
                self.sink
                    .report(
                        Code::OverCapacity,
                        span,
                        format!("{path}.capacity"),
                        format!(
                            "node `{}` hosts {hosted} services ({}) but has capacity {capacity}",
                            node.name,
                            names.join(", ")
                        ),
                    )
                    .hint(format!(
                        "raise its capacity to at least {hosted}, or move services elsewhere in the description"
                    ));
            }
        }

        // Every role a node gives, read or not: a node left out for another error still has its role.
        let roles: Vec<&str> = raw_nodes.iter().filter_map(|raw| raw.role.as_ref().map(|r| r.value.as_str())).collect();
        let order = self.order(&raw_policy.order, &roles);
        let quorum_role = self.quorum_role(raw_policy.quorum_role.as_ref(), &roles);
        let skew = self.resolve_skew(&raw_skew, &component_names, &declared);
        if self.sink.has_errors() {
            return None;
        }
        let policy = Policy {
            max_down: raw_policy.max_down.value,
            quorum: raw_policy.quorum.value,
            failback: raw_policy.failback,
            allow_outage: raw_policy.allow_outage,
            order,
            skew,
            window_minutes: raw_policy.window_minutes.map(|at| at.value),
            quorum_role,
        };
        self.policy_spans = (raw_policy.max_down.span, raw_policy.quorum.span);
        let name = cluster.map_or_else(|| "cluster".to_owned(), |t| t.value);
        // Every reference was resolved above, so the cluster's own check passes;
        // were it ever to fail, that is said rather than a cluster made.
        match Cluster::new(name, components, nodes, services, policy).and_then(|c| c.with_replicated(replicated)) {
            Ok(cluster) => Some(cluster.with_platform(platform)),
            Err(why) => {
                self.sink.report(
                    Code::InvalidValue,
                    Span::default(),
                    "",
                    format!("internal error: the description resolved to an inconsistent cluster ({why}); please report this"),
                );
                None
            }
        }
    }
}

/// What a list of names refers to.
#[derive(Clone, Copy)]
enum Reference {
    Node,
    Component,
}

/// Adds "did you mean" to a diagnostic about an unknown name, or lists the known ones.
fn hint_name(diagnostic: &mut Diagnostic, wrong: &str, known: &[&str], what: &str) {
    match did_you_mean(wrong, known.iter().copied()) {
        Some(close) => diagnostic.hint(format!("did you mean `{close}`?")),
        None if known.is_empty() => diagnostic.hint(format!("no {what} are declared")),
        None if known.len() <= 8 => diagnostic.hint(format!("the {what} are: {}", known.join(", "))),
        None => diagnostic.hint(format!("declare it under `{what}`, or correct the name")),
    };
}

impl Resolver<'_, '_> {
    /// A component's `path` and `stops`: both need `releases` to say what lies between.
    fn release_path(
        &mut self,
        component: &str,
        path: &str,
        word: Option<crate::read::At<PathWord>>,
        stops: Option<&[Text]>,
        releases: &[String],
    ) -> ReleasePath {
        if let (Some(word), Some(_)) = (word, stops)
            && word.value == PathWord::Sequential
        {
            self.sink
                .report(
                    Code::InvalidValue,
                    word.span,
                    format!("{path}.path"),
                    format!("component `{component}` gives both `path: sequential` and `stops`"),
                )
                .hint(
                    "`path: sequential` passes through every release; `stops` names the ones to pass through: keep one",
                );
            return ReleasePath::Direct;
        }
        let needs_releases = |this: &mut Self, span: Span, field: &str| {
            this.sink
                .report(
                    Code::InvalidValue,
                    span,
                    format!("{path}.{field}"),
                    format!("`{field}` of `{component}` needs its `releases`, to know what lies between a node's version and the target"),
                )
                .hint("add `releases: [oldest, ..., newest]` to the component");
        };
        match (word, stops) {
            (Some(word), None) if word.value == PathWord::Sequential => {
                if releases.is_empty() {
                    needs_releases(self, word.span, "path");
                }
                ReleasePath::Sequential
            }
            (_, Some(stops)) => {
                if releases.is_empty() {
                    if let Some(first) = stops.first() {
                        needs_releases(self, first.span, "stops");
                    }
                    return ReleasePath::Direct;
                }
                let mut kept: Vec<String> = Vec::new();
                for (index, stop) in stops.iter().enumerate() {
                    if !releases.contains(&stop.value) {
                        self.unknown_release(stop, component, releases, &format!("{path}.stops[{index}]"));
                    } else if !kept.contains(&stop.value) {
                        kept.push(stop.value.clone());
                    }
                }
                // No stop is no path: the same cluster as without `stops`.
                if kept.is_empty() { ReleasePath::Direct } else { ReleasePath::Stops(kept) }
            }
            _ => ReleasePath::Direct,
        }
    }

    /// A replicated service (`replicas`, `min_available`) resolved, or `None`
    /// once what is wrong with it is reported: fields of a failover service
    /// beside `replicas`, `min_available` without `replicas` or above their
    /// number, an unknown node, a copy on a node without a component it
    /// uses, or a component that cannot run two releases at once.
    #[allow(clippy::too_many_arguments)]
    fn replicated(
        &mut self,
        raw: &RawService<'_>,
        name: &str,
        uses: Option<Vec<usize>>,
        node_index: &HashMap<String, usize>,
        node_names: &[&str],
        nodes: &[Node],
        components: &[Component],
    ) -> Option<ReplicatedParts> {
        let Some((list, replicas_span)) = &raw.replicas else {
            if raw.replicated {
                // Written but unreadable: said already where it is.
                return None;
            }
            let span = raw.min_available.as_ref().map_or(raw.span, |at| at.span);
            self.sink
                .report(
                    Code::ConflictingFields,
                    span,
                    format!("{}.min_available", raw.path),
                    format!("service `{name}` has `min_available` but no `replicas`: only a replicated service has copies to count"),
                )
                .hint("list the nodes holding a copy in `replicas`, or remove `min_available`");
            return None;
        };
        let mut mixed = false;
        for (field, span) in [("on", raw.on.as_ref().map(|on| on.span)), ("owners", raw.owners_span)] {
            let Some(span) = span else { continue };
            self.sink
                .report(
                    Code::ConflictingFields,
                    span,
                    format!("{}.{field}", raw.path),
                    format!(
                        "service `{name}` has both `replicas` and `{field}`: a replicated service keeps a copy on each replica and never moves, a failover service runs on one node and moves"
                    ),
                )
                .hint(format!(
                    "remove `{field}` for a replicated service, or remove `replicas` and `min_available` for one that fails over"
                ));
            mixed = true;
        }
        let replicas = self.ref_list(
            list,
            FieldPath::field(&raw.path, "replicas"),
            Reference::Node,
            |text| node_index.get(text).copied(),
            node_names,
        );
        let (replicas, uses) = (replicas?, uses?);
        if mixed {
            return None;
        }
        if replicas.is_empty() {
            self.sink
                .report(
                    Code::InvalidValue,
                    *replicas_span,
                    format!("{}.replicas", raw.path),
                    format!("service `{name}` has an empty `replicas` list"),
                )
                .hint("name each node that holds a copy");
            return None;
        }
        // Default: all copies but one, and at least one.
        let count = u32::try_from(replicas.len()).unwrap_or(u32::MAX);
        let min_available = raw.min_available.as_ref().map_or(count.saturating_sub(1).max(1), |at| at.value);
        if let Some(at) = raw.min_available.as_ref().filter(|at| at.value > count) {
            self.sink
                .report(
                    Code::InvalidValue,
                    at.span,
                    format!("{}.min_available", raw.path),
                    format!("service `{name}` needs {} copies up, but has {count} replicas", at.value),
                )
                .hint(format!(
                    "lower `min_available` to at most {count}, or add the nodes with the other copies to `replicas`"
                ));
            return None;
        }
        for (position, &replica) in replicas.iter().enumerate() {
            let Some(node) = nodes.get(replica) else { continue };
            let missing: Vec<&str> = uses
                .iter()
                .filter(|&&c| node.versions.get(c).is_none_or(Option::is_none))
                .filter_map(|&c| components.get(c).map(|c| c.name.as_str()))
                .collect();
            if !missing.is_empty() {
                let span = list.get(position).map_or(*replicas_span, |text| text.span);
                self.sink
                    .report(
                        Code::ComponentNotRun,
                        span,
                        format!("{}.replicas[{position}]", raw.path),
                        format!(
                            "service `{name}` uses {}, which node `{}` does not run, yet it holds a copy",
                            missing.join(", "),
                            node.name
                        ),
                    )
                    .hint(format!("take `{}` out of its `replicas`, or narrow `uses` to what it needs", node.name));
                return None;
            }
        }
        if let Some(component) = uses.iter().filter_map(|&c| components.get(c)).find(|c| !c.rolling) {
            let span = raw
                .uses
                .as_ref()
                .and_then(|list| list.iter().find(|t| t.value == component.name))
                .map_or(raw.span, |t| t.span);
            self.sink
                .report(
                    Code::InvalidValue,
                    span,
                    format!("{}.uses", raw.path),
                    format!(
                        "replicated service `{name}` uses `{}`, which does not roll (`rolling: false`): its copies would have to run two releases at once",
                        component.name
                    ),
                )
                .hint(format!(
                    "set `rolling: true` on `{}` if the copies may run mixed releases, or leave it out of `uses`",
                    component.name
                ));
            return None;
        }
        Some(ReplicatedParts { name: name.to_owned(), replicas, min_available, uses })
    }

    /// Whether every node a service may run on (`on`, and its owners: every
    /// node when left out) runs every component it uses
    /// ([`Coverage::lacking`]); `component-not-run` if not.
    #[allow(clippy::too_many_arguments)]
    fn runs_what_it_uses(
        &mut self,
        service: &str,
        span: Span,
        path: &str,
        nodes: &[Node],
        components: &[Component],
        coverage: &Coverage<'_>,
        on: usize,
        owners: Option<&[usize]>,
        uses: &[usize],
    ) -> bool {
        let Some(stray) = coverage.lacking(on, owners, uses) else { return true };
        let Some(node) = nodes.get(stray) else { return true };
        let here = stray == on;
        let missing: Vec<&str> = uses
            .iter()
            .filter(|&&c| node.versions.get(c).is_none_or(Option::is_none))
            .filter_map(|&c| components.get(c).map(|c| c.name.as_str()))
            .collect();
        let field = if here {
            "on"
        } else if owners.is_some() {
            "owners"
        } else {
            "uses"
        };
        let (verb, hint) = if here {
            (
                "runs there",
                format!(
                    "move it (`on`) to a node that runs {}, or give `{}` its version",
                    missing.join(", "),
                    node.name
                ),
            )
        } else {
            ("may run there", String::new())
        };
        let diagnostic = self.sink.report(
            Code::ComponentNotRun,
            span,
            format!("{path}.{field}"),
            format!(
                "service `{service}` uses {}, which node `{}` does not run, yet it {verb}",
                missing.join(", "),
                node.name
            ),
        );
        if here {
            diagnostic.hint(hint);
        } else if owners.is_some() {
            diagnostic.hint(format!(
                "take `{}` out of its `owners`, or give the node a version of {}",
                node.name,
                missing.join(", ")
            ));
        } else {
            diagnostic.hint(format!(
                "list its `owners` (the nodes that run {}), or narrow `uses` to what it needs",
                missing.join(", ")
            ));
        }
        false
    }

    /// The top-level `skew` list: names resolved and each rule one of the two kinds.
    fn resolve_skew(&mut self, raw: &[RawSkew], names: &[&str], declared: &[String]) -> Vec<SkewRule> {
        let mut rules = Vec::new();
        for rule in raw {
            let path = &rule.path;
            let lookup = |this: &mut Self, text: &Text, field: &str| -> Option<ComponentId> {
                if let Some(index) = names.iter().position(|n| *n == text.value) {
                    return Some(ComponentId::from_index(index));
                }
                if !declared.contains(&text.value) {
                    let diagnostic = this.sink.report(
                        Code::UnknownComponent,
                        text.span,
                        format!("{path}.{field}"),
                        format!("there is no component named `{}`", text.value),
                    );
                    hint_name(diagnostic, &text.value, names, "components");
                }
                None
            };
            let component = rule.component.as_ref().and_then(|c| lookup(self, c, "component"));
            if rule.unreadable {
                // A bound could not be read (reported): which kind the rule is cannot be told.
                continue;
            }
            let against = rule.against.as_ref().map(|c| lookup(self, c, "against"));
            let invalid = |this: &mut Self, span: Span, message: String, hint: &str| {
                this.sink.report(Code::InvalidValue, span, path.clone(), message).hint(hint.to_owned());
            };
            let limit = match (rule.max_spread, &against) {
                (Some(spread), Some(_)) => {
                    invalid(
                        self,
                        spread.span,
                        "a skew rule gives both `max_spread` and `against`".to_owned(),
                        "`max_spread` bounds one component across nodes; `against` with `max_newer`/`max_older` bounds it against another: split it into two rules",
                    );
                    None
                }
                (Some(spread), None) => {
                    if let Some(bound) = rule.max_newer.or(rule.max_older) {
                        invalid(
                            self,
                            bound.span,
                            "`max_newer` and `max_older` bound a component against another, but this rule has no `against`".to_owned(),
                            "add `against: <component>`, or drop them",
                        );
                    }
                    if rule.scope.value == SkewScope::Node {
                        invalid(
                            self,
                            rule.scope.span,
                            "`scope: node` is for a rule with `against`; `max_spread` always looks at every node"
                                .to_owned(),
                            "drop `scope`",
                        );
                    }
                    Some(SkewLimit::Spread(spread.value))
                }
                (None, Some(other)) => {
                    if rule.max_newer.is_none() && rule.max_older.is_none() {
                        invalid(
                            self,
                            rule.span.start_only(),
                            "a skew rule with `against` needs `max_newer`, `max_older` or both".to_owned(),
                            "for kubelet against kube-apiserver: `max_newer: 0`, `max_older: 3`",
                        );
                        None
                    } else if other.is_some() && *other == component {
                        invalid(
                            self,
                            rule.against.as_ref().map_or(rule.span, |t| t.span),
                            "a skew rule compares a component against itself".to_owned(),
                            "bound how far one component's releases drift apart with `max_spread`",
                        );
                        None
                    } else {
                        other.map(|against| SkewLimit::Against {
                            against,
                            max_newer: rule.max_newer.map(|b| b.value),
                            max_older: rule.max_older.map(|b| b.value),
                            scope: rule.scope.value,
                        })
                    }
                }
                (None, None) => {
                    invalid(
                        self,
                        rule.span.start_only(),
                        "a skew rule needs `max_spread`, or `against` with `max_newer`/`max_older`".to_owned(),
                        "e.g. `{component: kube-apiserver, max_spread: 1}`",
                    );
                    None
                }
            };
            if let (Some(component), Some(limit)) = (component, limit) {
                self.skew_spans.push((rule.span, path.clone()));
                rules.push(SkewRule { component, limit, level: rule.level });
            }
        }
        rules
    }

    /// What a skew rule needs of the cluster: releases to count positions
    /// on, holding every release the rule may meet (`skew-incomparable`);
    /// a starting state and targets that keep it (`skew-violated`).
    fn skew_rules(&mut self, cluster: &Cluster) {
        for (index, rule) in cluster.skew_rules().iter().enumerate() {
            let (span, path) = self.skew_spans.get(index).cloned().unwrap_or_default();
            let subject = cluster.component(rule.component);
            let described = skew::describe_rule(cluster, rule);
            if subject.releases.is_empty() {
                self.sink
                    .report(
                        Code::SkewIncomparable,
                        span,
                        path,
                        format!(
                            "skew rule {described}: `{}` has no `releases`, so its releases have no positions to count",
                            subject.name
                        ),
                    )
                    .hint(format!("add `releases: [oldest, ..., newest]` to `{}`", subject.name));
                continue;
            }
            if let Some(against) = skew::against(rule) {
                let other = cluster.component(against);
                // Every release the other side may run during the plan: its
                // nodes' versions and every hop on to the target.
                let mut met: Vec<&str> = Vec::new();
                for node in cluster.nodes() {
                    if let Some(version) = node.version(against) {
                        met.push(version);
                        met.extend(other.hops_from(version));
                    }
                }
                if let Some(missing) = met.iter().find(|release| subject.position(release).is_none()) {
                    self.sink
                        .report(
                            Code::SkewIncomparable,
                            span,
                            path,
                            format!(
                                "skew rule {described}: `{}` may run {missing}, which is not among the releases of `{}`, so the two cannot be compared",
                                other.name, subject.name
                            ),
                        )
                        .hint(format!("add {missing} to the `releases` of `{}` where it belongs in order (releases are compared by name)", subject.name));
                    continue;
                }
                let shared: Vec<&String> = other.releases.iter().filter(|r| subject.position(r).is_some()).collect();
                if let Some(pair) = shared.windows(2).find(|pair| match pair {
                    [a, b] => subject.position(a) > subject.position(b),
                    _ => false,
                }) && let [a, b] = pair
                {
                    self.sink
                        .report(
                            Code::SkewIncomparable,
                            span,
                            path,
                            format!(
                                "skew rule {described}: `{}` lists {a} before {b}, `{}` after, so they do not agree which is newer",
                                other.name, subject.name
                            ),
                        )
                        .hint("list the shared releases in the same order, oldest first");
                    continue;
                }
            }
            if rule.level != SkewLevel::Error {
                continue;
            }
            if let Some(gap) = skew::breach(cluster, rule, |node, c| cluster.node(node).version(c)) {
                self.sink
                    .report(
                        Code::SkewViolated,
                        span,
                        path.clone(),
                        format!("the cluster already breaks skew rule {described}: {}", gap.describe(cluster, rule)),
                    )
                    .hint("bring the description in line with what the cluster runs, or give the rule `level: warn` until the plan has brought it back within bounds");
                continue;
            }
            let at_target = |node: NodeId, c: ComponentId| {
                cluster.node(node).version(c).map(|_| cluster.component(c).target.as_str())
            };
            if let Some(gap) = skew::breach(cluster, rule, at_target) {
                self.sink
                    .report(
                        Code::SkewViolated,
                        span,
                        path,
                        format!(
                            "the targets break skew rule {described}, so no plan can end within it: {}",
                            gap.describe(cluster, rule)
                        ),
                    )
                    .hint("change a target, or the rule's limits");
            }
        }
    }

    /// `policy.order`: every role some node has (`unknown-role` otherwise), each once.
    /// `policy.quorum_role`, when some node has that role.
    fn quorum_role(&mut self, role: Option<&Text>, node_roles: &[&str]) -> Option<String> {
        let role = role?;
        if node_roles.contains(&role.value.as_str()) {
            return Some(role.value.clone());
        }
        let diagnostic = self.sink.report(
            Code::UnknownRole,
            role.span,
            "policy.quorum_role",
            format!("no node has the role `{}`, so no node would vote for quorum", role.value),
        );
        match did_you_mean(&role.value, node_roles.iter().copied()) {
            Some(close) => diagnostic.hint(format!("did you mean `{close}`?")),
            None if node_roles.is_empty() => {
                diagnostic.hint("give the voting nodes a `role`, or leave `quorum_role` out: every node votes")
            }
            None => {
                diagnostic.hint("name the role of the nodes that vote, or leave `quorum_role` out: every node votes")
            }
        };
        None
    }

    fn order(&mut self, order: &[Text], node_roles: &[&str]) -> Vec<String> {
        let mut roles: Vec<&str> = Vec::new();
        for &role in node_roles {
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        // Named in hints: the first few, as other hints do.
        let listed = match roles.get(..8) {
            Some(first) if roles.len() > 8 => format!("{}, …", first.join(", ")),
            _ => roles.join(", "),
        };
        let mut seen: Vec<&str> = Vec::new();
        let mut kept: Vec<String> = Vec::new();
        for (index, role) in order.iter().enumerate() {
            let path = format!("policy.order[{index}]");
            if seen.contains(&role.value.as_str()) {
                self.sink
                    .report(Code::DuplicateEntry, role.span, path, format!("role `{}` is listed twice", role.value))
                    .hint("each role appears once, in upgrade order");
            } else if !roles.contains(&role.value.as_str()) {
                let diagnostic = self.sink.report(
                    Code::UnknownRole,
                    role.span,
                    path,
                    format!("no node has the role `{}`", role.value),
                );
                match (did_you_mean(&role.value, roles.iter().copied()), roles.is_empty()) {
                    (Some(close), _) => diagnostic.hint(format!("did you mean `{close}`? the roles are: {listed}")),
                    (None, true) => diagnostic.hint("give nodes a `role` for `policy.order` to rank"),
                    (None, false) => diagnostic.hint(format!("the nodes' roles are: {listed}")),
                };
            } else {
                kept.push(role.value.clone());
            }
            seen.push(&role.value);
        }
        kept
    }

    fn unknown_release(&mut self, version: &Text, component: &str, releases: &[String], path: &str) {
        let diagnostic = self.sink.report(
            Code::UnknownRelease,
            version.span,
            path,
            format!("`{}` is not a release of `{component}`", version.value),
        );
        let known: Vec<&str> = releases.iter().map(String::as_str).collect();
        match did_you_mean(&version.value, known.iter().copied()) {
            Some(close) => diagnostic.hint(format!("did you mean `{close}`? the releases are: {}", known.join(", "))),
            None => diagnostic.hint(format!(
                "the releases of `{component}` are: {}; add it to `releases` if it is one",
                known.join(", ")
            )),
        };
    }

    fn node_ref(
        &mut self,
        text: &Text,
        index: &HashMap<String, usize>,
        names: &[&str],
        path: FieldPath<'_>,
    ) -> Option<usize> {
        if let Some(&id) = index.get(&text.value) {
            return Some(id);
        }
        let diagnostic =
            self.sink.report(Code::UnknownNode, text.span, path, format!("there is no node named `{}`", text.value));
        hint_name(diagnostic, &text.value, names, "nodes");
        None
    }

    /// Resolves a list of names; unknown ones are errors, repeated ones warnings (and dropped).
    fn ref_list(
        &mut self,
        list: &[NameRef<'_>],
        path: FieldPath<'_>,
        what: Reference,
        lookup: impl Fn(&str) -> Option<usize>,
        names: &[&str],
    ) -> Option<Vec<usize>> {
        let mut ids = Vec::with_capacity(list.len());
        // A short list is searched; only a long one pays for a set.
        let mut seen = (list.len() > 16).then(|| std::collections::HashSet::with_capacity(list.len()));
        let mut complete = true;
        for (index, text) in list.iter().enumerate() {
            // Spelt out only for a diagnostic.
            let item_path = || format!("{path}[{index}]");
            let id = lookup(text.value);
            let repeated = id.is_some_and(|id| match &mut seen {
                Some(seen) => !seen.insert(id),
                None => ids.contains(&id),
            });
            match id {
                Some(_) if repeated => {
                    self.sink
                        .report(
                            Code::DuplicateEntry,
                            text.span,
                            item_path(),
                            format!("`{}` is listed twice", text.value),
                        )
                        .hint("remove the repeated entry");
                }
                Some(id) => ids.push(id),
                None => {
                    let (code, singular, plural) = match what {
                        Reference::Node => (Code::UnknownNode, "node", "nodes"),
                        Reference::Component => (Code::UnknownComponent, "component", "components"),
                    };
                    let diagnostic = self.sink.report(
                        code,
                        text.span,
                        item_path(),
                        format!("there is no {singular} named `{}`", text.value),
                    );
                    hint_name(diagnostic, text.value, names, plural);
                    complete = false;
                }
            }
        }
        complete.then_some(ids)
    }

    /// Warnings about the cluster's situation: valid, but worth knowing before planning.
    fn situation(&mut self, cluster: &Cluster) {
        let needs_upgrade = cluster.nodes().map_ids(|n, _| !cluster.node_at_target(n));
        for (id, component) in cluster.components().iter_ids() {
            self.mixed_versions(cluster, id, component);
            let ordered = component.releases.is_empty()
                && !cluster
                    .nodes()
                    .iter()
                    .filter_map(|n| n.version(id))
                    .chain([component.target.as_str()])
                    .all(is_dotted_numeric);
            if ordered {
                self.sink
                    .report(
                        Code::UnorderedVersions,
                        self.component_span(id.index()).name,
                        format!("components.{}", component.name),
                        format!(
                            "the versions of `{}` are not dotted numbers, and it has no `releases` to order them",
                            component.name
                        ),
                    )
                    .hint("add `releases: [oldest, ..., newest]` so that rollplan knows which version is newer");
            }
        }
        if !needs_upgrade.iter().any(|&needs| needs) {
            let diagnostic = self.sink.report(
                Code::NothingToDo,
                Span::default(),
                "",
                format!("every node of {} already runs every target: there is nothing to upgrade", cluster.name()),
            );
            // A plan takes a finalize step only after upgrading its component.
            let finalized: Vec<String> = cluster
                .components()
                .iter()
                .filter_map(|c| c.finalize.as_ref().map(|f| format!("{} ({})", c.name, f.title)))
                .collect();
            if !finalized.is_empty() {
                diagnostic.hint(format!(
                    "the plan takes no finalize step either: if that of {} is still to be taken, take it by hand",
                    finalized.join(", ")
                ));
            }
            return;
        }
        self.non_rolling(cluster);
        self.failover_room(cluster, &needs_upgrade);
        self.quorum(cluster);
    }

    fn mixed_versions(&mut self, cluster: &Cluster, component: ComponentId, definition: &Component) {
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for node in cluster.nodes() {
            let Some(version) = node.version(component) else { continue };
            match groups.iter_mut().find(|(v, _)| *v == version) {
                Some((_, names)) => names.push(&node.name),
                None => groups.push((version, vec![&node.name])),
            }
        }
        if groups.len() < 2 {
            return;
        }
        let who: Vec<String> =
            groups.iter().map(|(version, names)| format!("{} on {}", version, names.join(", "))).collect();
        let name = &definition.name;
        self.sink
            .report(
                Code::MixedVersions,
                self.component_span(component.index()).name,
                format!("components.{name}"),
                format!("the cluster already runs mixed releases of `{name}` ({}): failover between them may already be unsafe", who.join("; ")),
            )
            .hint("the plan brings every node to the target; until then expect mixed-version-failover risks");
        if let Some(finalize) = &definition.finalize {
            self.sink
                .report(
                    Code::FinalizePending,
                    self.component_span(component.index()).name,
                    format!("components.{name}"),
                    format!(
                        "the upgrade of `{name}` is under way (its nodes run different releases): the plan finishes it, then takes its point of no return, {}",
                        finalize.title
                    ),
                )
                .hint("rollplan cannot tell whether the finalize step was taken already; check before carrying it out");
        }
    }

    fn non_rolling(&mut self, cluster: &Cluster) {
        for (id, component) in cluster.components().iter_ids() {
            let pending = cluster.nodes().iter().any(|n| n.version(id).is_some_and(|v| v != component.target));
            if !component.needs_outage() || !pending {
                continue;
            }
            let affected: Vec<&str> =
                cluster.services().iter().filter(|s| s.uses.contains(&id)).map(|s| s.name.as_str()).collect();
            if affected.is_empty() {
                continue;
            }
            let spans = self.component_span(id.index());
            let (span, field, why) = if component.rolling {
                (spans.mixed_failover, "mixed_failover", "forbids failover between its releases, so")
            } else {
                (spans.rolling, "rolling", "cannot be upgraded while its services run:")
            };
            let diagnostic = self.sink.report(
                Code::NonRollingComponent,
                span,
                format!("components.{}.{field}", component.name),
                format!(
                    "`{}` {why} {} must be offline while it is updated on every node",
                    component.name,
                    affected.join(", ")
                ),
            );
            if !cluster.policy().allow_outage {
                diagnostic.hint("no plan is possible unless `policy.allow_outage: true` permits that planned outage");
            }
        }
    }

    /// Can every upgraded node's services go somewhere while it is down?
    /// Linear in nodes, services and the owners listed: services with listed
    /// owners are matched to room on those owners, and services whose owners
    /// are every node then need as many free slots anywhere else (any slot
    /// fits them, so matching the others first never costs them one).
    #[allow(clippy::indexing_slicing)] // per-node tables of this cluster, indexed by its own ids
    fn failover_room(&mut self, cluster: &Cluster, needs_upgrade: &IdVec<NodeId, bool>) {
        let mut on_node = cluster.per_node(Vec::new());
        for (service_id, service) in cluster.services().iter_ids() {
            on_node[service.on].push(service_id);
        }
        let spare =
            |node: NodeId| cluster.node(node).capacity.map(|c| (c as usize).saturating_sub(on_node[node].len()));
        // Free slots in the whole cluster, and how many nodes have no capacity.
        let (mut total_spare, mut unlimited) = (0usize, 0usize);
        for node in cluster.node_ids() {
            match spare(node) {
                Some(free) => total_spare += free,
                None => unlimited += 1,
            }
        }
        for (node_id, node) in cluster.nodes().iter_ids() {
            if !needs_upgrade[node_id] {
                continue;
            }
            let mut listed = Vec::new();
            let mut anywhere = 0usize;
            for &service_id in &on_node[node_id] {
                let service = cluster.service(service_id);
                match service.owners.as_listed() {
                    Some([_]) => {
                        self.sink
                            .report(
                                Code::SingleOwner,
                                self.service_span(service_id.index()),
                                format!("{}.owners", self.service_path(service_id)),
                                format!(
                                    "service `{}` can only run on `{}`, so it is offline while that node is upgraded",
                                    service.name, node.name
                                ),
                            )
                            .hint("add another node to its `owners`, or allow the outage with `policy.allow_outage: true`");
                    }
                    Some(_) => listed.push(service),
                    None if cluster.nodes().len() == 1 => {}
                    None => anywhere += 1,
                }
            }
            if listed.is_empty() && anywhere == 0 {
                continue;
            }
            let movable = listed.len() + anywhere;
            // Spare room on every other node, then a bipartite matching of services to room.
            let room = |id: NodeId| if id == node_id { 0 } else { spare(id).unwrap_or(movable) };
            let (matched, unmatched_service) = match_to_room(&listed, room);
            let others_unlimited = unlimited - usize::from(spare(node_id).is_none());
            let others_spare = total_spare - spare(node_id).unwrap_or(0);
            let short = unmatched_service.map(|service| service.name.clone()).or_else(|| {
                (anywhere > 0 && others_unlimited == 0 && others_spare.saturating_sub(matched) < anywhere).then(|| {
                    on_node[node_id]
                        .iter()
                        .map(|&s| cluster.service(s))
                        .find(|s| s.owners.is_any())
                        .map_or_else(String::new, |s| s.name.clone())
                })
            });
            if let Some(name) = short {
                self.sink
                    .report(
                        Code::NoSpareCapacity,
                        self.node_span(node_id.index()).name,
                        self.node_path(node_id),
                        format!("while `{}` is upgraded, no other owner of `{name}` has room for it", node.name),
                    )
                    .hint(format!("raise the `capacity` of another owner of {name}, add an owner, or allow an outage"));
            }
        }
    }

    fn node_path(&self, node: NodeId) -> String {
        self.node_paths.get(node.index()).cloned().unwrap_or_else(|| format!("nodes[{}]", node.index()))
    }

    fn service_path(&self, service: ServiceId) -> String {
        self.service_paths.get(service.index()).cloned().unwrap_or_else(|| format!("services[{}]", service.index()))
    }

    fn quorum(&mut self, cluster: &Cluster) {
        // Only the voting nodes count (`policy.quorum_role`), and only if one of them is upgraded.
        if !cluster.node_ids().any(|n| cluster.votes(n)) {
            return;
        }
        let nodes = cluster.voters();
        let max_down = cluster.policy().max_down as usize;
        let quorum = cluster.policy().quorum;
        let (max_down_span, quorum_span) = self.policy_spans;
        if !cluster.quorum_survives(1) {
            let span = if quorum_span == Span::default() { max_down_span } else { quorum_span };
            let diagnostic = self.sink.report(
                Code::QuorumAtRisk,
                span,
                "policy.quorum",
                format!(
                    "with {} quorum, this {nodes}-node cluster loses quorum as soon as one node is down",
                    quorum.describe()
                ),
            );
            if quorum == Quorum::Majority {
                diagnostic.hint("a rolling upgrade needs a node down: add a witness (`quorum: witness`) or a quorum disk (`quorum: disk`) if the cluster has one");
            }
        } else if !cluster.quorum_survives(max_down) {
            let min_up = quorum.min_up(nodes);
            self.sink
                .report(
                    Code::QuorumAtRisk,
                    max_down_span,
                    "policy.max_down",
                    format!(
                        "`max_down: {max_down}` would leave {} of {nodes} nodes up, but {} quorum needs {min_up}",
                        nodes.saturating_sub(max_down),
                        quorum.describe()
                    ),
                )
                .hint(match nodes - min_up {
                    1 => "the plan takes at most 1 node down at once; lower `max_down` to say so".to_owned(),
                    n => format!("the plan takes at most {n} nodes down at once; lower `max_down` to say so"),
                });
        }
    }
}

/// How many of `services` get a slot, and the first that cannot, matching
/// each service to one of its listed owners with room (`spare(node)` slots),
/// by augmenting paths. Only the owners the services name get a room.
fn match_to_room<'c>(services: &[&'c Service], spare: impl Fn(NodeId) -> usize) -> (usize, Option<&'c Service>) {
    let mut rooms: BTreeMap<NodeId, Room<'c>> = BTreeMap::new();
    for &service in services {
        for &owner in service.owners.as_listed().unwrap_or_default() {
            rooms.entry(owner).or_insert_with(|| Room { spare: spare(owner), placed: Vec::new(), visited: false });
        }
    }
    let mut matched = 0;
    for &service in services {
        for &owner in service.owners.as_listed().unwrap_or_default() {
            if let Some(room) = rooms.get_mut(&owner) {
                room.visited = false;
            }
        }
        if !place(service, &mut rooms) {
            return (matched, Some(service));
        }
        matched += 1;
    }
    (matched, None)
}

/// One node's room in [`match_to_room`].
struct Room<'c> {
    /// Slots it offers.
    spare: usize,
    /// Services given its slots (never more than `spare`).
    placed: Vec<&'c Service>,
    /// Whether the current augmenting path has been here.
    visited: bool,
}

fn place<'c>(service: &'c Service, rooms: &mut BTreeMap<NodeId, Room<'c>>) -> bool {
    for &node in service.owners.as_listed().unwrap_or_default() {
        // Every owner of a service being matched has a room; one without offers none.
        let Some(room) = rooms.get_mut(&node) else { continue };
        if room.visited || room.spare == 0 {
            continue;
        }
        room.visited = true;
        if room.placed.len() < room.spare {
            room.placed.push(service);
            return true;
        }
        // Full: pass one of its services on. The path never comes back here (visited),
        // so this room's list is the same after each attempt.
        let placed = room.placed.clone();
        for (slot, other) in placed.into_iter().enumerate() {
            if place(other, rooms) {
                if let Some(entry) = rooms.get_mut(&node).and_then(|room| room.placed.get_mut(slot)) {
                    *entry = service;
                }
                return true;
            }
        }
    }
    false
}
