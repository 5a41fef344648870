//! A short, stable identity for a plan: SHA-256 over the normalised
//! description and the planner version.
//!
//! Normalised means the validated [`Cluster`] with every default filled in, so
//! the same cluster written in YAML, TOML or JSON, with comments or without,
//! gets the same fingerprint; any change that can change the plan changes it.

use std::fmt::Write;

use sha2::{Digest, Sha256};

use crate::model::Cluster;
use crate::plan::PLANNER_VERSION;

/// 16 hex digits (64 bits): enough to tell two plans apart by eye in a change ticket.
pub fn fingerprint(cluster: &Cluster) -> String {
    let mut hasher = Sha256::new();
    let mut field = |text: &str| {
        // Length-prefixed, so no two different field sequences encode alike.
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    };
    field("rollplan-planner");
    field(PLANNER_VERSION);
    field(&cluster.name);
    for component in &cluster.components {
        field("component");
        field(&component.name);
        field(&component.title);
        field(&component.releases.join("\u{1f}"));
        field(&component.target);
        field(&format!(
            "{}/{:?}/{}/{:?}",
            component.rolling, component.mixed_failover, component.reboot, component.minutes
        ));
    }
    for node in &cluster.nodes {
        field("node");
        field(&node.name);
        field(&node.versions.join("\u{1f}"));
        field(&format!("{:?}", node.capacity));
    }
    for service in &cluster.services {
        field("service");
        field(&service.name);
        field(&format!("{}/{:?}/{:?}", service.on, service.owners, service.uses));
    }
    let policy = &cluster.policy;
    field(&format!("{}/{:?}/{:?}/{}", policy.max_down, policy.quorum, policy.failback, policy.allow_outage));
    let digest = hasher.finalize();
    digest.iter().take(8).fold(String::with_capacity(16), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}
