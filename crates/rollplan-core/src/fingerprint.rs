//! A short, stable identity for a plan: SHA-256 over a canonical
//! serialisation of the normalised description and the planner version.
//!
//! Normalised means the validated [`Cluster`] with every default filled in,
//! so the same cluster written in YAML, TOML or JSON, with comments or
//! without, gets the same fingerprint; any change that can change the plan
//! changes it. The serialisation ([`canonical`]) is written out field by
//! field, with every value spelt as the description spells it, so that
//! renaming a Rust type or variant changes nothing and another tool can
//! recompute it from docs/plan-format.md.
//!
//! The same serialisation with the planner version left empty is the
//! description's own fingerprint ([`description_fingerprint`]): it stays when
//! only rollplan changes, so progress ticked under one release's plan can be
//! offered on the next release's plan of the same cluster.

use std::fmt::Write;

use sha2::{Digest, Sha256};

use crate::model::{Cluster, ReleasePath, SkewLevel, SkewLimit, SkewScope};
use crate::plan::PLANNER_VERSION;

/// The version of the serialisation below: bumped if its layout ever changes.
const SERIALISATION: &str = "rollplan-fingerprint/1";

/// 16 hex digits (64 bits): enough to tell two plans apart by eye in a change ticket.
pub fn fingerprint(cluster: &Cluster) -> String {
    short_hash(&canonical(cluster))
}

/// The fingerprint of the description alone: the plan's, with the planner
/// version left empty. Two plans of one cluster by different releases of
/// rollplan share it.
pub fn description_fingerprint(cluster: &Cluster) -> String {
    short_hash(&serialise(cluster, ""))
}

/// The name the page keeps a cluster's pre-flight ticks under: the
/// description's serialisation, then `rollplan-preflight/1` and each check's
/// text, as netstrings. Like the description's fingerprint it stays when
/// only the planner changes; a release that rewords or adds a check names
/// a new list, so no tick is ever shown beside a check it was not given to.
/// 16 hex digits, so the page stores, syncs and exports these ticks as a
/// plan's.
pub fn preflight_fingerprint(cluster: &Cluster, checks: &[crate::platform::Preflight]) -> String {
    let mut bytes = serialise(cluster, "");
    for text in std::iter::once("rollplan-preflight/1").chain(checks.iter().map(|check| check.check.as_str())) {
        let _ = std::io::Write::write_fmt(&mut bytes, format_args!("{}:", text.len()));
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(b',');
    }
    short_hash(&bytes)
}

fn short_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().take(8).fold(String::with_capacity(16), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

/// The bytes the fingerprint hashes: a sequence of netstrings (`<length in
/// bytes, decimal>:<UTF-8 text>,`), in the order docs/plan-format.md gives.
pub fn canonical(cluster: &Cluster) -> Vec<u8> {
    serialise(cluster, PLANNER_VERSION)
}

fn serialise(cluster: &Cluster, planner_version: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut field = |text: &str| {
        // Written into the buffer: a `String` per field was a large share of the allocations of planning.
        let _ = std::io::Write::write_fmt(&mut out, format_args!("{}:", text.len()));
        out.extend_from_slice(text.as_bytes());
        out.push(b',');
    };
    let count = |n: usize| n.to_string();
    let flag = |b: bool| if b { "true" } else { "false" };
    let optional = |value: Option<u32>| value.map_or_else(String::new, |v| v.to_string());
    field(SERIALISATION);
    field(planner_version);
    field(cluster.name());
    field(&count(cluster.components().len()));
    for component in cluster.components() {
        field(&component.name);
        field(&component.title);
        field(&count(component.releases.len()));
        for release in &component.releases {
            field(release);
        }
        field(&component.target);
        field(flag(component.rolling));
        field(component.mixed_failover.as_str());
        field(flag(component.reboot));
        field(&optional(component.minutes));
    }
    field(&count(cluster.nodes().len()));
    for node in cluster.nodes() {
        field(&node.name);
        for version in &node.versions {
            // Empty for a component the node does not run: no version is empty.
            field(version.as_deref().unwrap_or(""));
        }
        field(&optional(node.capacity));
    }
    field(&count(cluster.services().len()));
    for service in cluster.services() {
        field(&service.name);
        field(&cluster.node(service.on).name);
        match service.owners.as_listed() {
            None => field("*"),
            Some(list) => {
                field(&count(list.len()));
                for &owner in list {
                    field(&cluster.node(owner).name);
                }
            }
        }
        field(&count(service.uses.len()));
        for &component in &service.uses {
            field(&cluster.component(component).name);
        }
    }
    let policy = cluster.policy();
    field(&policy.max_down.to_string());
    field(policy.quorum.as_str());
    field(policy.failback.as_str());
    field(flag(policy.allow_outage));
    // Fields newer than the layout above, after all of it and only when one
    // is set, so that the fingerprints of descriptions without them (and the
    // progress saved under those) stay what they were. Counted, so the
    // serialisation still reads one way only.
    let extended: Vec<&crate::model::Component> =
        cluster.components().iter().filter(|c| !c.reversible || c.finalize.is_some()).collect();
    if !extended.is_empty() {
        field("components+");
        field(&count(extended.len()));
        for component in extended {
            field(&component.name);
            field(flag(component.reversible));
            match &component.finalize {
                None => field("0"),
                Some(finalize) => {
                    field("1");
                    field(&finalize.title);
                    field(&optional(finalize.minutes));
                    field(&count(finalize.soak_minutes as usize));
                }
            }
        }
    }
    if !policy.order.is_empty() || cluster.nodes().iter().any(|node| node.role.is_some()) {
        field("roles+");
        for node in cluster.nodes() {
            field(node.role.as_deref().unwrap_or(""));
        }
        field(&count(policy.order.len()));
        for role in &policy.order {
            field(role);
        }
    }
    let paths: Vec<&crate::model::Component> =
        cluster.components().iter().filter(|c| c.path != ReleasePath::Direct).collect();
    if !paths.is_empty() {
        field("paths+");
        field(&count(paths.len()));
        for component in paths {
            field(&component.name);
            match &component.path {
                ReleasePath::Stops(stops) => {
                    field("stops");
                    field(&count(stops.len()));
                    for stop in stops {
                        field(stop);
                    }
                }
                _ => field("sequential"),
            }
        }
    }
    if !policy.skew.is_empty() {
        field("skew+");
        field(&count(policy.skew.len()));
        let bound = |value: Option<u32>| value.map_or_else(String::new, |v| v.to_string());
        for rule in &policy.skew {
            field(&cluster.component(rule.component).name);
            match rule.limit {
                SkewLimit::Spread(limit) => {
                    field("max_spread");
                    field(&count(limit as usize));
                }
                SkewLimit::Against { against, max_newer, max_older, scope } => {
                    field("against");
                    field(&cluster.component(against).name);
                    field(&bound(max_newer));
                    field(&bound(max_older));
                    field(if scope == SkewScope::Node { "node" } else { "cluster" });
                }
            }
            field(if rule.level == SkewLevel::Warn { "warn" } else { "error" });
        }
    }
    if !cluster.replicated().is_empty() {
        field("replicated+");
        field(&count(cluster.replicated().len()));
        for service in cluster.replicated() {
            field(&service.name);
            field(&count(service.replicas.len()));
            for &node in &service.replicas {
                field(&cluster.node(node).name);
            }
            field(&count(service.min_available as usize));
            field(&count(service.uses.len()));
            for &component in &service.uses {
                field(&cluster.component(component).name);
            }
        }
    }
    if let Some(minutes) = policy.window_minutes {
        field("windows+");
        field(&minutes.to_string());
    }
    if let Some(role) = &policy.quorum_role {
        field("quorum-role+");
        field(role);
    }
    if !cluster.platform().is_generic() {
        field("platform+");
        field(cluster.platform().as_str());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../../tests/examples/exchange-2003-two-node.yaml");

    /// The seed's fingerprint, pinned: it changes only with the planner's
    /// version or the serialisation (both documented), never with a rename in the code.
    #[test]
    fn the_seed_fingerprint_is_pinned() {
        let cluster = crate::validate_as(SEED, crate::Syntax::Yaml).cluster.unwrap();
        assert_eq!(fingerprint(&cluster), "17ae2b3a8ad881b7");
    }

    /// The description's fingerprint is the plan's without the planner: it
    /// differs from the plan's, and a change of the description changes it.
    #[test]
    fn the_description_fingerprint_leaves_the_planner_out() {
        let cluster = crate::validate_as(SEED, crate::Syntax::Yaml).cluster.unwrap();
        let description = description_fingerprint(&cluster);
        assert_eq!(description, short_hash(&serialise(&cluster, "")));
        assert_eq!(description, "1ae3d35b3768dd5a");
        assert_ne!(description, fingerprint(&cluster));
        let other = crate::validate_as(&SEED.replace("NODE2", "NODE9"), crate::Syntax::Yaml).cluster.unwrap();
        assert_ne!(description_fingerprint(&other), description);
    }

    /// Pre-flight ticks are named by the description and the checks'
    /// words: not by the planner, and anew when a check is reworded.
    #[test]
    fn the_preflight_fingerprint_follows_the_description_and_the_checks() {
        let text = include_str!("../../../tests/examples/kubernetes-1.28-to-1.30.yaml");
        let cluster = crate::validate_as(text, crate::Syntax::Yaml).cluster.unwrap();
        let checks = crate::platform::preflight(&cluster);
        assert!(checks.len() > 2);
        let named = preflight_fingerprint(&cluster, &checks);
        assert_eq!(named.len(), 16);
        assert_ne!(named, description_fingerprint(&cluster));
        assert_ne!(named, fingerprint(&cluster));
        let mut reworded = checks.clone();
        reworded[1].check.push('.');
        assert_ne!(preflight_fingerprint(&cluster, &reworded), named);
        let other = crate::validate_as(&text.replacen("cp1", "cp9", 1), crate::Syntax::Yaml).cluster.unwrap();
        assert_ne!(preflight_fingerprint(&other, &checks), named);
    }

    #[test]
    fn the_serialisation_reads_as_documented() {
        let cluster = crate::validate_as(SEED, crate::Syntax::Yaml).cluster.unwrap();
        let text = String::from_utf8(canonical(&cluster)).unwrap();
        assert!(text.starts_with("22:rollplan-fingerprint/1,1:7,"), "{text}");
        assert!(text.ends_with("1:1,4:disk,6:verify,5:false,"), "{text}");
    }

    #[test]
    fn reversible_counts_only_when_it_is_false() {
        let fingerprint_of = |text: &str| fingerprint(&crate::validate_as(text, crate::Syntax::Yaml).cluster.unwrap());
        let stated = SEED.replace("    minutes: 40\n", "    minutes: 40\n    reversible: true\n");
        assert_ne!(stated, SEED);
        assert_eq!(fingerprint_of(&stated), "17ae2b3a8ad881b7", "the default: fingerprints from before the field hold");
        let irreversible = SEED.replace("    minutes: 40\n", "    minutes: 40\n    reversible: false\n");
        assert_ne!(fingerprint_of(&irreversible), "17ae2b3a8ad881b7");
        let text =
            String::from_utf8(canonical(&crate::validate_as(&irreversible, crate::Syntax::Yaml).cluster.unwrap()))
                .unwrap();
        assert!(text.ends_with("5:false,11:components+,1:1,8:exchange,5:false,1:0,"), "{text}");
        let finalized = irreversible.replace(
            "    reversible: false\n",
            "    reversible: false\n    finalize: {title: Raise, soak_minutes: 60}\n",
        );
        let text = String::from_utf8(canonical(&crate::validate_as(&finalized, crate::Syntax::Yaml).cluster.unwrap()))
            .unwrap();
        assert!(text.ends_with("8:exchange,5:false,1:1,5:Raise,0:,2:60,"), "{text}");
    }

    #[test]
    fn roles_and_their_order_count() {
        let fingerprint_of = |text: &str| fingerprint(&crate::validate_as(text, crate::Syntax::Yaml).cluster.unwrap());
        let roles = SEED.replace("capacity: 1}", "capacity: 1, role: mailbox}");
        assert_ne!(roles, SEED);
        let ordered = roles.replace("  max_down: 1\n", "  max_down: 1\n  order: [mailbox]\n");
        assert_ne!(ordered, roles);
        let (seed, roles, ordered) = (fingerprint_of(SEED), fingerprint_of(&roles), fingerprint_of(&ordered));
        assert!(seed != roles && roles != ordered && seed != ordered, "{seed} {roles} {ordered}");
        let text =
            String::from_utf8(canonical(&crate::validate_as(&ordered_text(), crate::Syntax::Yaml).cluster.unwrap()))
                .unwrap();
        assert!(text.ends_with("6:roles+,7:mailbox,7:mailbox,1:1,7:mailbox,"), "{text}");
    }

    fn ordered_text() -> String {
        SEED.replace("capacity: 1}", "capacity: 1, role: mailbox}")
            .replace("  max_down: 1\n", "  max_down: 1\n  order: [mailbox]\n")
    }

    #[test]
    fn owners_written_out_in_full_are_the_default() {
        let implicit = "format: 1\ncomponents:\n  app: {target: '2.0'}\nnodes:\n  - {name: A, versions: {app: '1.0'}}\n  - {name: B, versions: {app: '1.0'}}\nservices:\n  - {name: S, on: A}\npolicy: {quorum: disk}\n";
        let explicit = implicit.replace("on: A}", "on: A, owners: [A, B]}");
        let reordered = implicit.replace("on: A}", "on: A, owners: [B, A]}");
        let print = |text: &str| fingerprint(&crate::validate_as(text, crate::Syntax::Yaml).cluster.unwrap());
        assert_eq!(print(implicit), print(&explicit));
        assert_ne!(print(implicit), print(&reordered));
    }
}
