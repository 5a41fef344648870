//! The validated cluster: plain data with references resolved to indices.
//!
//! A `Cluster` only exists once validation found no errors, so the planner and
//! the checker may rely on its invariants: names are unique, every index is in
//! range, every node has a version for every component, no target is older
//! than a node's version, every service runs on one of its owners.

use std::cmp::Ordering;

use serde::Serialize;

use crate::version;

/// Index into [`Cluster::nodes`].
pub type NodeId = usize;
/// Index into [`Cluster::services`].
pub type ServiceId = usize;
/// Index into [`Cluster::components`].
pub type ComponentId = usize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cluster {
    pub name: String,
    pub components: Vec<Component>,
    pub nodes: Vec<Node>,
    pub services: Vec<Service>,
    pub policy: Policy,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Component {
    pub name: String,
    /// Display title; the name when the description gives none.
    pub title: String,
    /// Ordered releases, oldest first; empty when versions compare as dotted numbers.
    pub releases: Vec<String>,
    pub target: String,
    /// Whether nodes may run different releases while services stay online.
    pub rolling: bool,
    pub mixed_failover: MixedFailover,
    pub reboot: bool,
    /// Estimated minutes to apply the update on one node.
    pub minutes: Option<u32>,
}

impl Component {
    /// Orders two versions of this component: by `releases` when given, else as dotted numbers.
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        if self.releases.is_empty() {
            return version::compare_dotted(a, b);
        }
        let rank = |v: &str| self.releases.iter().position(|release| release == v);
        rank(a).cmp(&rank(b))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    pub name: String,
    /// The current version of each component, indexed by [`ComponentId`].
    pub versions: Vec<String>,
    /// How many services the node can host at once; `None` is unlimited.
    pub capacity: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Service {
    pub name: String,
    /// The node hosting the service now.
    pub on: NodeId,
    /// Possible owners, in preference order. Never empty; contains `on`.
    pub owners: Vec<NodeId>,
    /// Components the service depends on.
    pub uses: Vec<ComponentId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// Nodes out of service at once.
    pub max_down: u32,
    pub quorum: Quorum,
    pub failback: Failback,
    /// Whether the plan may take services offline at all.
    pub allow_outage: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { max_down: 1, quorum: Quorum::Majority, failback: Failback::Verify, allow_outage: false }
    }
}

/// May a service fail over between nodes whose releases of a component differ?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MixedFailover {
    Allow,
    #[default]
    Warn,
    Forbid,
}

/// How the cluster keeps quorum while nodes are down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Quorum {
    /// More than half of the nodes stay up.
    #[default]
    Majority,
    /// More than half of the votes, with one extra vote (a witness) that never goes down.
    Witness,
    /// A shared quorum disk: the cluster stays up while any node does.
    Disk,
    /// No quorum rule.
    None,
}

impl Quorum {
    /// The quorum model in a sentence: "with majority quorum", "with no quorum".
    pub fn describe(self) -> &'static str {
        match self {
            Quorum::Majority => "majority",
            Quorum::Witness => "witness",
            Quorum::Disk => "disk",
            Quorum::None => "no",
        }
    }

    /// Whether a cluster of `nodes` nodes keeps quorum with `up` of them up.
    pub fn holds(self, nodes: usize, up: usize) -> bool {
        match self {
            Quorum::Majority => 2 * up > nodes,
            Quorum::Witness => 2 * (up + 1) > nodes + 1,
            Quorum::Disk => up >= 1,
            Quorum::None => true,
        }
    }

    /// The fewest nodes that must stay up in a cluster of `nodes` nodes.
    pub fn min_up(self, nodes: usize) -> usize {
        (0..=nodes).find(|&up| self.holds(nodes, up)).unwrap_or(nodes)
    }
}

/// Where services end up after the upgrade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Failback {
    /// Services stay wherever the upgrade left them.
    None,
    /// Services return to their starting nodes.
    Original,
    /// Services return to their starting nodes as a planned failover that proves the upgraded node works.
    #[default]
    Verify,
}

impl Node {
    /// The node's current version of component `component`.
    pub fn version(&self, component: ComponentId) -> Option<&str> {
        self.versions.get(component).map(String::as_str)
    }
}

impl Cluster {
    /// The node with index `id`; `None` only for an index from elsewhere.
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// The service with index `id`; `None` only for an index from elsewhere.
    pub fn service(&self, id: ServiceId) -> Option<&Service> {
        self.services.get(id)
    }

    /// The component with index `id`; `None` only for an index from elsewhere.
    pub fn component(&self, id: ComponentId) -> Option<&Component> {
        self.components.get(id)
    }

    /// Whether node `node` already runs the target of every component.
    pub fn node_at_target(&self, node: NodeId) -> bool {
        self.nodes.get(node).is_some_and(|n| {
            n.versions.iter().zip(&self.components).all(|(version, component)| *version == component.target)
        })
    }

    /// What breaks the index invariants of a valid cluster, if anything: a
    /// node without exactly one version per component, or a service whose
    /// node, owners or components are out of range.
    ///
    /// A cluster from validation never has such a problem. The fields are
    /// public, though, so a cluster built in code might; the planner asks
    /// this first and answers with a `Blocked` reason rather than plan from
    /// references that lead nowhere.
    pub fn inconsistency(&self) -> Option<String> {
        let (nodes, components) = (self.nodes.len(), self.components.len());
        if let Some(node) = self.nodes.iter().find(|n| n.versions.len() != components) {
            return Some(format!(
                "node `{}` has {} versions for {components} components",
                node.name,
                node.versions.len()
            ));
        }
        for service in &self.services {
            if service.on >= nodes {
                return Some(format!(
                    "service `{}` runs on node #{}, but there are {nodes} nodes",
                    service.name, service.on
                ));
            }
            if let Some(owner) = service.owners.iter().find(|&&o| o >= nodes) {
                return Some(format!("service `{}` has owner #{owner}, but there are {nodes} nodes", service.name));
            }
            if let Some(component) = service.uses.iter().find(|&&c| c >= components) {
                return Some(format!(
                    "service `{}` uses component #{component}, but there are {components} components",
                    service.name
                ));
            }
        }
        None
    }
}
