//! The validated cluster: plain data with references resolved to typed ids.
//!
//! A [`Cluster`] is sealed. Its fields are private, and the only way to make
//! one is [`Cluster::new`], which validation calls and which checks every
//! invariant the planner relies on: every node has one slot per component
//! (its version, or none where it does not run the component), every id is
//! in range, every service runs on one of its owners.
//! The ids ([`NodeId`], [`ServiceId`], [`ComponentId`]) are handed out by a
//! cluster only, so code holding a cluster and its ids indexes without
//! checks (see [`IdVec`]). Mixing the ids of two clusters is a programming
//! error, like indexing one vector with another's positions; input never can.

use std::cmp::Ordering;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

use serde::{Deserialize, Serialize};

use crate::version;

/// A typed index: what [`IdVec`] is indexed by.
pub trait Id: Copy + Ord {
    /// The position in the cluster's list (declaration order).
    fn index(self) -> usize;
    #[doc(hidden)]
    fn from_index(index: usize) -> Self;
}

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Read back (`Deserialize`) only from a plan this build wrote for the
        /// same cluster (the page's analysis worker hands plans over in postcard):
        /// [`crate::plan::Plan::fits`] checks such ids against the cluster.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(u32);

        impl Id for $name {
            fn index(self) -> usize {
                self.0 as usize
            }
            fn from_index(index: usize) -> Self {
                // Bounded by the input limits (10,000 nodes, 100,000 services).
                $name(index as u32)
            }
        }

        impl $name {
            /// The position in the cluster's list (declaration order).
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}#{}", stringify!($name), self.0)
            }
        }
    };
}

typed_id!(
    /// A node of one cluster.
    NodeId
);
typed_id!(
    /// A service of one cluster.
    ServiceId
);
typed_id!(
    /// A component of one cluster.
    ComponentId
);
typed_id!(
    /// A replicated service of one cluster (`replicas`, `min_available`).
    ReplicatedId
);

/// One value per node (or service, or component) of one cluster, indexed by
/// its typed id. Made only from a cluster ([`Cluster::per_node`] and the
/// like), so it has exactly one entry per id that cluster hands out.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct IdVec<I, T> {
    items: Vec<T>,
    #[serde(skip)]
    id: PhantomData<fn() -> I>,
}

impl<I: Id, T> IdVec<I, T> {
    pub(crate) fn from_vec(items: Vec<T>) -> Self {
        IdVec { items, id: PhantomData }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The entry of an id, or `None` for an id of another, larger cluster.
    pub fn get(&self, id: I) -> Option<&T> {
        self.items.get(id.index())
    }

    /// The entry of an id, or `None` for an id of another, larger cluster.
    pub fn get_mut(&mut self, id: I) -> Option<&mut T> {
        self.items.get_mut(id.index())
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// Every id with its entry, in declaration order.
    pub fn iter_ids(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + ExactSizeIterator {
        self.items.iter().enumerate().map(|(index, item)| (I::from_index(index), item))
    }

    pub fn ids(&self) -> impl DoubleEndedIterator<Item = I> + ExactSizeIterator + use<I, T> {
        (0..self.items.len()).map(I::from_index)
    }

    pub fn as_slice(&self) -> &[T] {
        &self.items
    }

    /// A vector with the same ids and `f` of each entry.
    pub fn map<'a, U>(&'a self, f: impl FnMut(&'a T) -> U) -> IdVec<I, U> {
        IdVec::from_vec(self.items.iter().map(f).collect())
    }

    /// A vector with the same ids and `f` of each id and entry.
    pub fn map_ids<'a, U>(&'a self, mut f: impl FnMut(I, &'a T) -> U) -> IdVec<I, U> {
        IdVec::from_vec(self.iter_ids().map(|(id, item)| f(id, item)).collect())
    }
}

impl<I: Id, T: fmt::Debug> fmt::Debug for IdVec<I, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.items).finish()
    }
}

// The one place ids index: every `IdVec` has one entry per id of its cluster
// (see the module documentation), so only an id of another cluster can miss.
#[allow(clippy::indexing_slicing)]
impl<I: Id, T> Index<I> for IdVec<I, T> {
    type Output = T;
    fn index(&self, id: I) -> &T {
        &self.items[id.index()]
    }
}

#[allow(clippy::indexing_slicing)]
impl<I: Id, T> IndexMut<I> for IdVec<I, T> {
    fn index_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.index()]
    }
}

impl<'a, I: Id, T> IntoIterator for &'a IdVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// Serialized as plain data with positions for ids; read back
/// (`Deserialize`) through [`Cluster::new`], so a cluster read back
/// keeps every invariant a validated one does (the page's analysis worker
/// hands clusters over this way, in postcard).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ClusterData")]
pub struct Cluster {
    name: String,
    components: IdVec<ComponentId, Component>,
    nodes: IdVec<NodeId, Node>,
    services: IdVec<ServiceId, Service>,
    policy: Policy,
    /// Services with a copy on each of several nodes: nothing moves, but at
    /// least `min_available` copies must be up. After `policy` so that a
    /// cluster without them serialises as it did.
    replicated: IdVec<ReplicatedId, Replicated>,
    /// For each node, the replicated services with a copy on it: what a
    /// pause or an upgrade of it can change. Worked out, not read.
    #[serde(skip)]
    copies_on: IdVec<NodeId, Vec<ReplicatedId>>,
    /// Each node's place in `policy.order` (its role's position; one past
    /// the list for a node whose role is not in it): worked out, not read.
    #[serde(skip)]
    ranks: IdVec<NodeId, usize>,
    /// The platform whose commands the plan's steps carry (`generic`: none).
    /// Always serialised: the page's worker hands clusters over in a format
    /// without field names, where a field left out would shift the rest.
    platform: Platform,
}

/// The software the cluster runs on, which says what commands carry out
/// each step ([`crate::platform`] has their tables).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// No commands: the steps' words only.
    #[default]
    Generic,
    /// Exchange 2000/2003 on a Windows Server 2003 cluster: `cluster.exe`.
    #[serde(rename = "exchange-2003")]
    Exchange2003,
    /// A Windows Server failover cluster: the `FailoverClusters` PowerShell module.
    Wsfc,
    /// A kubeadm cluster: `kubectl` and `kubeadm`.
    Kubernetes,
    /// Elasticsearch: its REST API through `curl`, the service through `ssh`.
    Elasticsearch,
    /// A `MongoDB` replica set: `mongosh`, the service through `ssh`.
    Mongodb,
}

impl Platform {
    /// Every platform with its name in descriptions, the default first.
    pub const ALL: [(&'static str, Platform); 6] = [
        ("generic", Platform::Generic),
        ("exchange-2003", Platform::Exchange2003),
        ("wsfc", Platform::Wsfc),
        ("kubernetes", Platform::Kubernetes),
        ("elasticsearch", Platform::Elasticsearch),
        ("mongodb", Platform::Mongodb),
    ];

    /// The name descriptions give it.
    pub fn as_str(self) -> &'static str {
        Platform::ALL.iter().find(|(_, p)| *p == self).map_or("generic", |(name, _)| name)
    }

    pub fn is_generic(&self) -> bool {
        *self == Platform::Generic
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Whether an upgraded node can be brought back to its old release in
    /// place (uninstall, downgrade). `false` (an Exchange service pack, the
    /// binaries of Elasticsearch, those of `MongoDB` 7): the way back is a restore.
    pub reversible: bool,
    /// The point of no return the component's upgrade ends with, if any.
    pub finalize: Option<Finalize>,
    /// The releases a node must pass through on its way to the target.
    pub path: ReleasePath,
}

/// Which releases between a node's version and the target it must run on
/// the way, each an upgrade step of its own (a *hop*).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReleasePath {
    /// Straight to the target, in one hop.
    #[default]
    Direct,
    /// Through every release between (`path: sequential`, like Kubernetes minors).
    Sequential,
    /// Through these releases where they lie between (`stops: [...]`), others skipped.
    Stops(Vec<String>),
}

/// A step after which a component cannot go back to its old release
/// (`MongoDB`'s `setFeatureCompatibilityVersion`, Windows'
/// `Update-ClusterFunctionalLevel`): taken once every node runs the target
/// and the cluster has run on it for the soak time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finalize {
    /// What the step does, as its title says it ("Update-ClusterFunctionalLevel").
    pub title: String,
    /// Estimated minutes of the step itself; `None` when not given.
    pub minutes: Option<u32>,
    /// How long the cluster runs on the target before the step (a wait).
    pub soak_minutes: u32,
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

    /// The release's place in `releases` (oldest 0); `None` without releases or for another name.
    pub fn position(&self, release: &str) -> Option<usize> {
        self.releases.iter().position(|known| known == release)
    }

    /// The releases a node running `from` goes through to the target, in
    /// order, the target last: one per hop. Empty at the target. A path
    /// needs `releases` (validation says so); without them it is direct.
    pub fn hops_from(&self, from: &str) -> Vec<&str> {
        if from == self.target {
            return Vec::new();
        }
        let (Some(start), Some(end)) = (self.position(from), self.position(&self.target)) else {
            return vec![self.target.as_str()];
        };
        let between = self.releases.get(start + 1..end).unwrap_or_default();
        let mut hops: Vec<&str> = match &self.path {
            ReleasePath::Direct => Vec::new(),
            ReleasePath::Sequential => between.iter().map(String::as_str).collect(),
            ReleasePath::Stops(stops) => {
                between.iter().filter(|release| stops.contains(release)).map(String::as_str).collect()
            }
        };
        hops.push(&self.target);
        hops
    }

    /// The release a node running `from` goes to next; `None` at the target.
    pub fn next_hop(&self, from: &str) -> Option<&str> {
        self.hops_from(from).first().copied()
    }

    /// Whether the component needs a planned outage: it cannot be upgraded
    /// while its services run (`rolling: false`), or no running service may
    /// have a failover target on another release of it (`mixed_failover: forbid`).
    pub fn needs_outage(&self) -> bool {
        !self.rolling || self.mixed_failover == MixedFailover::Forbid
    }
}

/// A node as a description gives it. In a [`Cluster`] it has exactly one
/// slot per component.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub name: String,
    /// The current version of each component, in the order of the
    /// components; `None` for one the node does not run (a worker runs no
    /// kube-apiserver), which no rule about that component looks at.
    pub versions: Vec<Option<String>>,
    /// How many services the node can host at once; `None` is unlimited.
    pub capacity: Option<u32>,
    /// Its role (`control-plane`, `CAS`), which `policy.order` may rank.
    pub role: Option<String>,
}

impl Node {
    /// The node's current version of `component`; `None` where it does not run it.
    pub fn version(&self, component: ComponentId) -> Option<&str> {
        self.versions.get(component.index()).and_then(Option::as_deref)
    }

    /// Whether the node runs `component`.
    pub fn runs(&self, component: ComponentId) -> bool {
        self.version(component).is_some()
    }
}

/// Where a service may run, in preference order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(into = "Option<Vec<NodeId>>")]
pub struct Owners {
    /// `None`: every node, in declaration order (`owners` left out).
    listed: Option<Vec<NodeId>>,
    /// The listed owners sorted, for membership in O(log n).
    sorted: Vec<NodeId>,
}

impl From<Owners> for Option<Vec<NodeId>> {
    fn from(owners: Owners) -> Self {
        owners.listed
    }
}

impl Owners {
    /// Every node of the cluster, in declaration order.
    pub fn any() -> Owners {
        Owners { listed: None, sorted: Vec::new() }
    }

    fn listed(list: Vec<NodeId>) -> Owners {
        let mut sorted = list.clone();
        sorted.sort_unstable();
        Owners { listed: Some(list), sorted }
    }

    /// Whether every node may run the service (in declaration order).
    pub fn is_any(&self) -> bool {
        self.listed.is_none()
    }

    /// The owners as listed, in preference order; `None` when every node is one.
    pub fn as_listed(&self) -> Option<&[NodeId]> {
        self.listed.as_deref()
    }

    pub fn contains(&self, node: NodeId) -> bool {
        self.listed.is_none() || self.sorted.binary_search(&node).is_ok()
    }

    /// How many nodes may run the service, in a cluster of `nodes` nodes.
    pub fn count(&self, nodes: usize) -> usize {
        self.listed.as_ref().map_or(nodes, Vec::len)
    }
}

/// A service with a copy on each of several nodes (an Exchange 2010
/// database with copies, an index's shard copies, a replica set's members).
/// It never moves: a copy is down while its node is paused, and at least
/// `min_available` copies must be up at every step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Replicated {
    pub name: String,
    /// The nodes holding a copy, in the description's order; never empty, no node twice.
    pub replicas: Vec<NodeId>,
    /// At least 1 and at most the number of replicas.
    pub min_available: u32,
    /// Components the service depends on; every replica runs them all.
    pub uses: Vec<ComponentId>,
}

/// A replicated service as code builds it by hand, with positions for
/// references: [`Cluster::with_replicated`] checks them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicatedParts {
    pub name: String,
    pub replicas: Vec<usize>,
    pub min_available: u32,
    pub uses: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Service {
    pub name: String,
    /// The node hosting the service now.
    pub on: NodeId,
    /// Possible owners, in preference order. Never empty; contains `on`.
    pub owners: Owners,
    /// Components the service depends on.
    pub uses: Vec<ComponentId>,
}

/// Which nodes run which components, to tell where a service may run
/// without a component it uses: the rule [`Cluster::new`] enforces and
/// validation reports (`component-not-run`), in one place. By positions,
/// as both have them before there are ids.
pub(crate) struct Coverage<'n> {
    nodes: &'n [Node],
    /// Per component, the first node that does not run it: what a service
    /// whose owners are every node needs, found once rather than per service.
    first_without: Vec<Option<usize>>,
}

impl<'n> Coverage<'n> {
    pub(crate) fn new(nodes: &'n [Node], components: usize) -> Self {
        let first_without =
            (0..components).map(|c| nodes.iter().position(|n| n.versions.get(c).is_none_or(Option::is_none))).collect();
        Coverage { nodes, first_without }
    }

    /// Whether the node at `node` runs every component of `uses`.
    pub(crate) fn runs_all(&self, node: usize, uses: &[usize]) -> bool {
        self.nodes.get(node).is_none_or(|n| uses.iter().all(|&c| n.versions.get(c).is_some_and(Option::is_some)))
    }

    /// The first node a service may run on that lacks a component of
    /// `uses`: `on` itself, else its owners in order (every node, when
    /// `owners` is `None`). Positions out of range are left to the callers' own checks.
    pub(crate) fn lacking(&self, on: usize, owners: Option<&[usize]>, uses: &[usize]) -> Option<usize> {
        if !self.runs_all(on, uses) {
            return Some(on);
        }
        match owners {
            Some(list) => list.iter().copied().find(|&owner| !self.runs_all(owner, uses)),
            None => uses.iter().filter_map(|&c| self.first_without.get(c).copied().flatten()).min(),
        }
    }
}

/// A [`Cluster`] as it serializes, for reading one back through [`Cluster::new`].
#[derive(Deserialize)]
struct ClusterData {
    name: String,
    components: Vec<Component>,
    nodes: Vec<Node>,
    services: Vec<ServiceData>,
    policy: Policy,
    replicated: Vec<ReplicatedData>,
    #[serde(default)]
    platform: Platform,
}

/// A [`Replicated`] service as it serializes: ids are positions.
#[derive(Deserialize)]
struct ReplicatedData {
    name: String,
    replicas: Vec<u32>,
    min_available: u32,
    uses: Vec<u32>,
}

/// A [`Service`] as it serializes: ids are positions.
#[derive(Deserialize)]
struct ServiceData {
    name: String,
    on: u32,
    owners: Option<Vec<u32>>,
    uses: Vec<u32>,
}

impl TryFrom<ClusterData> for Cluster {
    type Error = String;

    fn try_from(data: ClusterData) -> Result<Cluster, String> {
        let services = data
            .services
            .into_iter()
            .map(|ServiceData { name, on, owners, uses }| ServiceParts {
                name,
                on: on as usize,
                owners: owners.map(|owners| owners.into_iter().map(|owner| owner as usize).collect()),
                uses: uses.into_iter().map(|component| component as usize).collect(),
            })
            .collect();
        let replicated = data
            .replicated
            .into_iter()
            .map(|ReplicatedData { name, replicas, min_available, uses }| ReplicatedParts {
                name,
                replicas: replicas.into_iter().map(|node| node as usize).collect(),
                min_available,
                uses: uses.into_iter().map(|component| component as usize).collect(),
            })
            .collect();
        Ok(Cluster::new(data.name, data.components, data.nodes, services, data.policy)?
            .with_replicated(replicated)?
            .with_platform(data.platform))
    }
}

/// A service as code builds it by hand, with positions for references:
/// [`Cluster::new`] checks them and makes a [`Service`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceParts {
    pub name: String,
    /// Position of the node hosting it now.
    pub on: usize,
    /// Positions of its owners in preference order; `None` for every node.
    pub owners: Option<Vec<usize>>,
    /// Positions of the components it uses.
    pub uses: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Nodes out of service at once.
    pub max_down: u32,
    pub quorum: Quorum,
    pub failback: Failback,
    /// Whether the plan may take services offline at all.
    pub allow_outage: bool,
    /// Roles in upgrade order: every node of a role listed earlier is
    /// upgraded before any node of a later one starts; nodes of other
    /// roles, or of none, come last.
    pub order: Vec<String>,
    /// How far releases may drift apart (the description's top-level `skew`).
    pub skew: Vec<SkewRule>,
    /// The longest maintenance window, in minutes: a longer plan is split
    /// into windows at safe points (`None`: one stretch, however long).
    pub window_minutes: Option<u32>,
    /// The role of the nodes that vote for quorum (Kubernetes' etcd runs
    /// on the control-plane nodes); `None`: every node votes.
    pub quorum_role: Option<String>,
}

/// A version-skew rule: how far apart releases may be at every step
/// ([`crate::skew`] evaluates it for the validator, the planner and the checker).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkewRule {
    /// The component whose releases the rule bounds; its `releases` are the
    /// scale positions are counted on.
    pub component: ComponentId,
    pub limit: SkewLimit,
    pub level: SkewLevel,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SkewLimit {
    /// The component's releases across the nodes that run it differ by at most this many positions.
    Spread(u32),
    /// The component is at most `max_newer` releases newer and `max_older`
    /// older than `against` (`None`: no bound that way), compared by name.
    Against { against: ComponentId, max_newer: Option<u32>, max_older: Option<u32>, scope: SkewScope },
}

/// Which pairs of nodes a rule against another component compares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SkewScope {
    /// Every node's component against every node's other component.
    #[default]
    Cluster,
    /// The two components on the same node only.
    Node,
}

/// What a rule's breach means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SkewLevel {
    /// The plan never breaks it.
    #[default]
    Error,
    /// The plan may pass through a breach, shown as a `version-skew` risk.
    Warn,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_down: 1,
            quorum: Quorum::Majority,
            failback: Failback::Verify,
            allow_outage: false,
            order: Vec::new(),
            skew: Vec::new(),
            window_minutes: None,
            quorum_role: None,
        }
    }
}

/// May a service fail over between nodes whose releases of a component differ?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MixedFailover {
    Allow,
    #[default]
    Warn,
    Forbid,
}

impl MixedFailover {
    /// The value as the description writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            MixedFailover::Allow => "allow",
            MixedFailover::Warn => "warn",
            MixedFailover::Forbid => "forbid",
        }
    }
}

/// How the cluster keeps quorum while nodes are down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
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

    /// The value as the description writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Quorum::None => "none",
            other => other.describe(),
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
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

impl Failback {
    /// The value as the description writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Failback::None => "none",
            Failback::Original => "original",
            Failback::Verify => "verify",
        }
    }
}

// Ids index the cluster's own tables: in range by construction (see the module documentation).
#[allow(clippy::indexing_slicing)]
impl Cluster {
    /// The one way to make a cluster: checks the invariants every user of a
    /// cluster relies on (one version per component on every node, every
    /// reference in range, owners never empty and holding the node a service
    /// runs on), or says which one fails. Validation makes clusters through
    /// here; so may code and tests.
    ///
    /// An owners list naming every node in declaration order is stored as
    /// "every node", as if `owners` had been left out: the two mean the same.
    pub fn new(
        name: String,
        components: Vec<Component>,
        nodes: Vec<Node>,
        services: Vec<ServiceParts>,
        policy: Policy,
    ) -> Result<Cluster, String> {
        let (node_count, component_count) = (nodes.len(), components.len());
        if let Some(node) = nodes.iter().find(|n| n.versions.len() != component_count) {
            return Err(format!(
                "node `{}` has {} versions for {component_count} components",
                node.name,
                node.versions.len()
            ));
        }
        for rule in &policy.skew {
            let against = match rule.limit {
                SkewLimit::Against { against, .. } => Some(against),
                SkewLimit::Spread(_) => None,
            };
            if let Some(c) =
                [Some(rule.component), against].into_iter().flatten().find(|c| c.index() >= component_count)
            {
                return Err(format!(
                    "a skew rule names component #{}, but there are {component_count} components",
                    c.index()
                ));
            }
        }
        let node_id = |service: &str, position: usize| {
            (position < node_count)
                .then(|| NodeId::from_index(position))
                .ok_or_else(|| format!("service `{service}` names node #{position}, but there are {node_count} nodes"))
        };
        let coverage = Coverage::new(&nodes, component_count);
        let mut resolved = Vec::with_capacity(services.len());
        for parts in services {
            let ServiceParts { name, on, owners, uses } = parts;
            if let Some(&c) = uses.iter().find(|&&c| c >= component_count) {
                return Err(format!(
                    "service `{name}` uses component #{c}, but there are {component_count} components"
                ));
            }
            // A service runs only where every component it uses does.
            if let Some(stray) = coverage.lacking(on, owners.as_deref(), &uses) {
                return Err(format!(
                    "service `{name}` may run on node #{stray}, which does not run every component it uses"
                ));
            }
            let on = node_id(&name, on)?;
            let owners = match owners {
                None => Owners::any(),
                Some(list) => {
                    let list = list.into_iter().map(|o| node_id(&name, o)).collect::<Result<Vec<_>, _>>()?;
                    let every_node = list.len() == node_count && list.iter().enumerate().all(|(i, o)| o.index() == i);
                    if every_node { Owners::any() } else { Owners::listed(list) }
                }
            };
            if !owners.contains(on) {
                return Err(format!("service `{name}` runs on node #{}, which is not among its owners", on.index()));
            }
            let uses = uses.into_iter().map(ComponentId::from_index).collect();
            resolved.push(Service { name, on, owners, uses });
        }
        let ranks = nodes
            .iter()
            .map(|node| {
                let role = node.role.as_deref();
                policy.order.iter().position(|listed| Some(listed.as_str()) == role).unwrap_or(policy.order.len())
            })
            .collect();
        Ok(Cluster {
            name,
            components: IdVec::from_vec(components),
            nodes: IdVec::from_vec(nodes),
            services: IdVec::from_vec(resolved),
            policy,
            replicated: IdVec::from_vec(Vec::new()),
            copies_on: IdVec::from_vec(vec![Vec::new(); node_count]),
            ranks: IdVec::from_vec(ranks),
            platform: Platform::Generic,
        })
    }

    /// This cluster on `platform` (its steps then carry that platform's commands).
    #[must_use]
    pub fn with_platform(mut self, platform: Platform) -> Cluster {
        self.platform = platform;
        self
    }

    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// This cluster with these replicated services (in place of any it had),
    /// or which invariant one breaks: replicas never empty, in range, no node
    /// twice, each running every component the service uses; `min_available`
    /// from 1 to the number of replicas; names unique among all services.
    pub fn with_replicated(mut self, replicated: Vec<ReplicatedParts>) -> Result<Cluster, String> {
        let mut resolved = Vec::with_capacity(replicated.len());
        let mut names: std::collections::HashSet<&str> = self.services.iter().map(|s| s.name.as_str()).collect();
        for parts in &replicated {
            let ReplicatedParts { name, replicas, min_available, uses } = parts;
            if !names.insert(name) {
                return Err(format!("there are two services named `{name}`"));
            }
            if replicas.is_empty() {
                return Err(format!("replicated service `{name}` has no replicas"));
            }
            if *min_available == 0 || *min_available as usize > replicas.len() {
                return Err(format!(
                    "replicated service `{name}` needs {min_available} copies up, of {} replicas",
                    replicas.len()
                ));
            }
            let mut seen = std::collections::HashSet::new();
            for &replica in replicas {
                let Some(node) = self.nodes.as_slice().get(replica) else {
                    return Err(format!(
                        "replicated service `{name}` names node #{replica}, but there are {} nodes",
                        self.nodes.len()
                    ));
                };
                if !seen.insert(replica) {
                    return Err(format!("replicated service `{name}` names node `{}` twice", node.name));
                }
                if let Some(&c) = uses.iter().find(|&&c| node.versions.get(c).is_none_or(Option::is_none)) {
                    return Err(format!(
                        "replicated service `{name}` has a copy on `{}`, which does not run component #{c}",
                        node.name
                    ));
                }
            }
            resolved.push(Replicated {
                name: name.clone(),
                replicas: replicas.iter().map(|&r| NodeId::from_index(r)).collect(),
                min_available: *min_available,
                uses: uses.iter().map(|&c| ComponentId::from_index(c)).collect(),
            });
        }
        let mut copies_on = vec![Vec::new(); self.nodes.len()];
        for (index, service) in resolved.iter().enumerate() {
            for node in &service.replicas {
                if let Some(list) = copies_on.get_mut(node.index()) {
                    list.push(ReplicatedId::from_index(index));
                }
            }
        }
        self.replicated = IdVec::from_vec(resolved);
        self.copies_on = IdVec::from_vec(copies_on);
        Ok(self)
    }

    /// The replicated services, as parts to change and make another cluster with.
    pub fn replicated_parts(&self) -> Vec<ReplicatedParts> {
        self.replicated
            .iter()
            .map(|r| ReplicatedParts {
                name: r.name.clone(),
                replicas: r.replicas.iter().map(|n| n.index()).collect(),
                min_available: r.min_available,
                uses: r.uses.iter().map(|c| c.index()).collect(),
            })
            .collect()
    }

    /// The services with a copy on each of several nodes.
    pub fn replicated(&self) -> &IdVec<ReplicatedId, Replicated> {
        &self.replicated
    }

    pub fn replicated_service(&self, id: ReplicatedId) -> &Replicated {
        &self.replicated[id]
    }

    /// The replicated services with a copy on `node`, in their order.
    pub fn copies_on(&self, node: NodeId) -> &[ReplicatedId] {
        &self.copies_on[node]
    }

    /// The parts this cluster was made of, to change and make another.
    pub fn to_parts(&self) -> (String, Vec<Component>, Vec<Node>, Vec<ServiceParts>, Policy) {
        let services = self
            .services
            .iter()
            .map(|s| ServiceParts {
                name: s.name.clone(),
                on: s.on.index(),
                owners: s.owners.as_listed().map(|list| list.iter().map(|o| o.index()).collect()),
                uses: s.uses.iter().map(|c| c.index()).collect(),
            })
            .collect();
        (
            self.name.clone(),
            self.components.as_slice().to_vec(),
            self.nodes.as_slice().to_vec(),
            services,
            self.policy.clone(),
        )
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn components(&self) -> &IdVec<ComponentId, Component> {
        &self.components
    }

    pub fn nodes(&self) -> &IdVec<NodeId, Node> {
        &self.nodes
    }

    pub fn services(&self) -> &IdVec<ServiceId, Service> {
        &self.services
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// The node's place in `policy.order`: a node is upgraded only once every
    /// node of a lower rank is. All nodes rank 0 without an order.
    pub fn rank(&self, id: NodeId) -> usize {
        self.ranks[id]
    }

    /// Whether node `id` votes for quorum: every node does, unless
    /// `policy.quorum_role` names the role of those that do.
    pub fn votes(&self, id: NodeId) -> bool {
        self.policy.quorum_role.as_ref().is_none_or(|role| self.nodes[id].role.as_ref() == Some(role))
    }

    /// How many nodes vote for quorum.
    pub fn voters(&self) -> usize {
        self.node_ids().filter(|&node| self.votes(node)).count()
    }

    /// Whether quorum survives `down` voting nodes down with every other one
    /// up: the one fact the validator's warnings, the planner's
    /// preconditions and its waves read.
    pub fn quorum_survives(&self, down: usize) -> bool {
        let voters = self.voters();
        self.policy.quorum.holds(voters, voters.saturating_sub(down))
    }

    /// The most voting nodes that may be down at once with every other one
    /// up (within `policy.max_down`): 0 when losing one loses quorum.
    pub fn voters_down_at_most(&self) -> usize {
        let max_down = (self.policy.max_down as usize).min(self.voters());
        (0..=max_down).rev().find(|&down| self.quorum_survives(down)).unwrap_or(0)
    }

    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id]
    }

    pub fn component(&self, id: ComponentId) -> &Component {
        &self.components[id]
    }

    pub fn node_ids(&self) -> impl DoubleEndedIterator<Item = NodeId> + ExactSizeIterator + use<> {
        self.nodes.ids()
    }

    pub fn service_ids(&self) -> impl DoubleEndedIterator<Item = ServiceId> + ExactSizeIterator + use<> {
        self.services.ids()
    }

    pub fn component_ids(&self) -> impl DoubleEndedIterator<Item = ComponentId> + ExactSizeIterator + use<> {
        self.components.ids()
    }

    /// The node with this name.
    pub fn node_named(&self, name: &str) -> Option<NodeId> {
        self.nodes.iter_ids().find(|(_, node)| node.name == name).map(|(id, _)| id)
    }

    /// The service with this name.
    pub fn service_named(&self, name: &str) -> Option<ServiceId> {
        self.services.iter_ids().find(|(_, service)| service.name == name).map(|(id, _)| id)
    }

    /// One `value` per node, indexed by [`NodeId`].
    pub fn per_node<T: Clone>(&self, value: T) -> IdVec<NodeId, T> {
        IdVec::from_vec(vec![value; self.nodes.len()])
    }

    /// One `value` per service, indexed by [`ServiceId`].
    pub fn per_service<T: Clone>(&self, value: T) -> IdVec<ServiceId, T> {
        IdVec::from_vec(vec![value; self.services.len()])
    }

    /// One `value` per component, indexed by [`ComponentId`].
    pub fn per_component<T: Clone>(&self, value: T) -> IdVec<ComponentId, T> {
        IdVec::from_vec(vec![value; self.components.len()])
    }

    /// Whether node `node` already runs the target of every component it runs.
    pub fn node_at_target(&self, node: NodeId) -> bool {
        let node = &self.nodes[node];
        self.components.iter_ids().all(|(id, component)| node.version(id).is_none_or(|v| v == component.target))
    }

    /// The skew rules, in the order the description gives them.
    pub fn skew_rules(&self) -> &[SkewRule] {
        &self.policy.skew
    }

    /// The owners of a service in preference order, with every node spelt out.
    /// Linear in the owners: for the cases that need each one.
    pub fn owners_of(&self, service: ServiceId) -> impl Iterator<Item = NodeId> + '_ {
        let owners = &self.services[service].owners;
        let listed = owners.as_listed().map(|list| list.iter().copied());
        let every = owners.is_any().then(|| self.node_ids());
        listed.into_iter().flatten().chain(every.into_iter().flatten())
    }
}
