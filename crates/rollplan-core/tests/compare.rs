//! Plan comparison and plan links, end to end through `analyze`.

use rollplan_core::compare::{Change, compare};
use rollplan_core::link::{decode, link};
use rollplan_core::{Analysis, Syntax, analyze};

mod common;

fn four_node() -> String {
    common::read("tests/examples/exchange-four-node.yaml")
}

fn planned(text: &str) -> Analysis {
    let analysis = analyze(text, Syntax::Yaml);
    assert!(analysis.plan().is_some(), "{:?}", analysis.validation.diagnostics);
    analysis
}

fn comparison(before: &Analysis, after: &Analysis) -> rollplan_core::compare::Comparison {
    compare(
        (before.validation.cluster.as_ref().unwrap(), before.plan().unwrap()),
        (after.validation.cluster.as_ref().unwrap(), after.plan().unwrap()),
    )
}

#[test]
fn a_plan_compared_with_itself_is_the_same() {
    let text = four_node();
    let result = comparison(&planned(&text), &planned(&text));
    assert!(result.is_same(), "{:?}", result.changes);
}

#[test]
fn a_reordered_step_shows_as_moved_not_as_removed_and_added() {
    let before = planned(&four_node());
    let reordered = {
        // Declare NODE1 after NODE3: ties are broken by declaration order, so
        // the same upgrades happen in another order.
        let swapped = four_node()
            .replace("  - {name: NODE1, versions: {windows: \"5.2.3790.3959\", exchange: SP1}, capacity: 1}\n", "")
            .replace("  - {name: NODE4,", "  - {name: NODE1, versions: {windows: \"5.2.3790.3959\", exchange: SP1}, capacity: 1}\n  - {name: NODE4,");
        planned(&swapped)
    };
    let result = comparison(&before, &reordered);
    let moved: Vec<&Change> = result.changes.iter().filter(|c| matches!(c, Change::Moved { .. })).collect();
    assert!(!moved.is_empty(), "{:#?}", result.changes);
    assert!(
        result.changes.iter().all(|c| !matches!(c, Change::Added { title, .. } if result.changes.iter().any(|r| matches!(r, Change::Removed { title: t, .. } if t == title)))),
        "a step that is both removed and added is a move: {:#?}",
        result.changes
    );
}

#[test]
fn a_link_opens_the_same_plan_with_the_same_fingerprint() {
    let text = four_node();
    let url = link("https://intranet.example/tools/rollplan/", &text);
    let opened = decode(&url).unwrap();
    assert_eq!(opened, text);
    let original = planned(&text);
    let reopened = planned(&opened);
    assert_eq!(original.fingerprint, reopened.fingerprint);
    assert_eq!(original.plan(), reopened.plan());
}

#[test]
fn links_stay_short() {
    let seed = common::read("tests/examples/exchange-2003-two-node.yaml");
    let url = link("https://intranet.example/tools/rollplan/", &seed);
    assert!(url.len() < 1_000, "the seed's link is {} characters", url.len());
}

#[test]
fn a_sixteen_node_farm_fits_in_a_link() {
    // The README quotes this length; keep them in step.
    let farm = common::read("tests/cases/farm-16-nodes.yaml");
    let url = link("https://intranet.example/tools/rollplan/", &farm);
    assert!(url.len() < 2_000, "the 16-node link is {} characters", url.len());
}

/// A component given a path: each hop is a step of its own, named from and
/// to, so a comparison shows the one step the earlier plan had as removed
/// and the hops that replace it as added, and the node's pause and resume
/// as the same steps.
#[test]
fn a_path_given_to_a_component_shows_its_hops_as_the_steps_that_replace_one() {
    let text = common::read("tests/examples/kubernetes-1.28-to-1.30.yaml");
    let sequential = |name: &str, text: &str| {
        let header =
            format!("  {name}:\n    releases: [\"1.27\", \"1.28\", \"1.29\", \"1.30\"]\n    target: \"1.30\"\n");
        assert!(text.contains(&header), "{name}");
        text.replace(&header, &format!("{header}    path: sequential\n"))
    };
    let revised = sequential("kube-proxy", &sequential("kubelet", &text));
    let result = comparison(&planned(&text), &planned(&revised));
    let titles = |wanted: fn(&Change) -> Option<&str>| result.changes.iter().filter_map(wanted).collect::<Vec<_>>();
    let added = titles(|c| match c {
        Change::Added { title, .. } => Some(title.as_str()),
        _ => None,
    });
    let removed = titles(|c| match c {
        Change::Removed { title, .. } => Some(title.as_str()),
        _ => None,
    });
    assert!(removed.contains(&"Upgrade w1 to kubelet 1.30, kube-proxy 1.30"), "{removed:?}");
    for hop in [
        "Upgrade w1 kubelet 1.28 → 1.29, kube-proxy 1.28 → 1.29",
        "Upgrade w1 kubelet 1.29 → 1.30, kube-proxy 1.29 → 1.30",
    ] {
        assert!(added.contains(&hop), "{hop}: {added:?}");
    }
    assert!(
        result.changes.iter().all(|c| !matches!(c, Change::Added { title, .. } | Change::Removed { title, .. } if title.starts_with("Pause w") || title.starts_with("Resume w"))),
        "a worker's pause and resume are the same steps: {:#?}",
        result.changes
    );
}
