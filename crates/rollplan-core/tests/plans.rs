//! Golden tests for the planner: every description under `tests/examples/` and
//! `tests/cases/` has its expected plan committed beside it as `<file>.plan`
//! (`UPDATE_EXPECT=1` rewrites them). Every plan is replayed by the
//! independent checker before it is compared.

use std::path::{Path, PathBuf};

use rollplan_core::check::check;
use rollplan_core::plan::{Action, Outcome};
use rollplan_core::report::{blocked_text, plan_text};
use rollplan_core::{Syntax, analyze};

mod common;

use common::descriptions;

/// Plans one file, replays the plan with the checker, and compares the text with its snapshot.
fn check_file(path: &Path) -> Option<Outcome> {
    let text = std::fs::read_to_string(path).unwrap();
    let analysis = analyze(&text, Syntax::from_path(&path.to_string_lossy()).unwrap());
    let rendered = match (&analysis.validation.cluster, &analysis.outcome, &analysis.fingerprint) {
        (Some(cluster), Some(Outcome::Planned(plan)), Some(fingerprint)) => {
            if let Err(violation) = check(cluster, plan) {
                panic!("{}: the checker rejects the plan: {violation:?}", path.display());
            }
            plan_text(cluster, plan, fingerprint)
        }
        (Some(cluster), Some(Outcome::Blocked(reasons)), _) => blocked_text(cluster, reasons),
        _ => "invalid: the description has errors (see its .diagnostics)\n".to_owned(),
    };
    expect_test::expect_file![PathBuf::from(format!("{}.plan", path.display()))].assert_eq(&rendered);
    analysis.outcome
}

#[test]
fn every_case_matches_its_plan_snapshot() {
    for path in descriptions("tests/cases") {
        check_file(&path);
    }
}

#[test]
fn every_example_has_a_checked_plan() {
    for path in descriptions("tests/examples") {
        let outcome = check_file(&path);
        assert!(matches!(outcome, Some(Outcome::Planned(_))), "{} must have a plan", path.display());
    }
}

/// The essential actions, as "upgrade NODE2", "move EVS1 NODE1>NODE2", ...
fn outline(path: &str) -> Vec<String> {
    let text = common::read(path);
    let analysis = analyze(&text, Syntax::Yaml);
    let cluster = analysis.validation.cluster.as_ref().unwrap();
    let plan = analysis.plan().unwrap();
    plan.steps
        .iter()
        .filter_map(|step| match step.action.clone() {
            Action::Upgrade { node, .. } => Some(format!("upgrade {}", cluster.node(node).name)),
            Action::Move { service, from, to } => Some(format!(
                "move {} {}>{}",
                cluster.service(service).name,
                cluster.node(from).name,
                cluster.node(to).name
            )),
            Action::Verify { service, from, to } => Some(format!(
                "verify {} {}>{}",
                cluster.service(service).name,
                cluster.node(from).name,
                cluster.node(to).name
            )),
            Action::Drain { node, ref moves } => {
                Some(format!("drain {} ({} moves)", cluster.node(node).name, moves.len()))
            }
            Action::Failback { node, ref moves, .. } => {
                Some(format!("failback {} ({} moves)", cluster.node(node).name, moves.len()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn the_seed_upgrades_the_passive_node_first_and_fails_back_to_verify() {
    assert_eq!(
        outline("tests/examples/exchange-2003-two-node.yaml"),
        ["upgrade NODE2", "move EVS1 NODE1>NODE2", "upgrade NODE1", "verify EVS1 NODE2>NODE1"]
    );
}

#[test]
fn the_four_node_cluster_rolls_through_the_passive_node() {
    assert_eq!(
        outline("tests/examples/exchange-four-node.yaml"),
        [
            "upgrade NODE4",
            "move EVS1 NODE1>NODE4",
            "upgrade NODE1",
            "move EVS2 NODE2>NODE1",
            "upgrade NODE2",
            "move EVS3 NODE3>NODE2",
            "upgrade NODE3",
            "verify EVS3 NODE2>NODE3",
            "verify EVS2 NODE1>NODE2",
            "verify EVS1 NODE4>NODE1",
        ]
    );
}

#[test]
fn scanmail_is_upgraded_inside_one_short_outage_window() {
    let steps = outline("tests/examples/exchange-2003-scanmail.yaml");
    assert_eq!(&steps[..4], ["upgrade NODE2", "move EVS1 NODE1>NODE2", "upgrade NODE1", "verify EVS1 NODE2>NODE1"]);
    assert_eq!(&steps[4..], ["upgrade NODE1", "upgrade NODE2"], "the window holds only the ScanMail updates");
}

/// The finalize-pending case planned: its cluster and plan.
fn finalized() -> (rollplan_core::Cluster, rollplan_core::plan::Plan) {
    let text = common::read("tests/cases/finalize-pending.yaml");
    let analysis = analyze(&text, Syntax::Yaml);
    let plan = analysis.plan().unwrap().clone();
    (analysis.validation.cluster.unwrap(), plan)
}

#[test]
fn a_finalize_step_ends_the_plan_once_every_node_runs_the_target() {
    let (cluster, plan) = finalized();
    let last = plan.steps.last().unwrap();
    assert!(matches!(last.action, Action::Finalize { .. }), "{}", last.title);
    assert_eq!(plan.steps.iter().filter(|step| matches!(step.action, Action::Finalize { .. })).count(), 1);
    assert!(!last.details.reversible);
    assert_eq!(last.details.minutes, Some(65), "its minutes and the soak");
    assert!(last.details.rollback.starts_with("none: after setFeatureCompatibilityVersion 7.0"));
    check(&cluster, &plan).unwrap();
}

#[test]
fn the_checker_holds_finalize_to_its_rules() {
    let (cluster, plan) = finalized();
    let rule = |plan: &rollplan_core::plan::Plan| check(&cluster, plan).unwrap_err().rule;
    // Left out: the upgrade never reaches its point of no return.
    let mut missing = plan.clone();
    missing.steps.pop();
    missing.risks.retain(|span| span.first < missing.steps.len());
    for span in &mut missing.risks {
        span.last = span.last.min(missing.steps.len() - 1);
    }
    assert_eq!(rule(&missing), "finalize-missing");
    // Taken before the last node runs the target (the risks are not what is checked here: the rule comes first).
    let mut early = plan.clone();
    let finalize = early.steps.pop().unwrap();
    let first_upgrade = early.steps.iter().position(|step| matches!(step.action, Action::Upgrade { .. })).unwrap();
    early.steps.insert(first_upgrade + 1, finalize.clone());
    assert_eq!(rule(&early), "finalize-mixed");
    // Before anything of it is upgraded: there is nothing to finalize.
    let mut first = plan.clone();
    first.steps.insert(0, finalize.clone());
    assert_eq!(rule(&first), "finalize");
    // Taken twice.
    let mut twice = plan.clone();
    twice.steps.push(finalize);
    assert_eq!(rule(&twice), "finalize");
    // Said to be undoable.
    let mut claimed = plan.clone();
    claimed.steps.last_mut().unwrap().details.reversible = true;
    assert_eq!(rule(&claimed), "reversible");
}

#[test]
fn the_checker_refuses_a_finalize_with_a_node_down_or_an_upgrade_after_it() {
    let (cluster, plan) = finalized();
    let rule = |plan: &rollplan_core::plan::Plan| check(&cluster, plan).unwrap_err().rule;
    let last_wave = plan.steps.last().unwrap().wave;
    let blank = |action| rollplan_core::plan::Step {
        action,
        wave: last_wave,
        title: String::new(),
        details: plan.steps[0].details.clone(),
        risk_count: 0,
    };
    // Just before the last resume: every node runs 7.0, but one is still paused.
    let mut down = plan.clone();
    let finalize = down.steps.pop().unwrap();
    let last_resume = down.steps.iter().rposition(|step| matches!(step.action, Action::Resume { .. })).unwrap();
    down.steps.insert(last_resume, finalize);
    assert_eq!(rule(&down), "finalize-node-down");
    // A node paused and upgraded again after the point of no return.
    let idle = cluster
        .node_ids()
        .find(|&node| node != cluster.service_ids().map(|s| cluster.service(s).on).next().unwrap())
        .unwrap();
    let mongodb = cluster.component_ids().next().unwrap();
    let mut after = plan.clone();
    after.steps.push(blank(Action::Pause { node: idle }));
    let hop = rollplan_core::plan::Hop { component: mongodb, from: "6.0".into(), to: "7.0".into() };
    after.steps.push(blank(Action::Upgrade { node: idle, components: vec![hop] }));
    assert_eq!(rule(&after), "after-finalize");
}

/// A drain's or failback's rollback line moves the services back last move
/// first: in that order every move back finds room and stays with the
/// service's owners, after every such step of every golden plan.
#[test]
fn moves_undone_last_first_always_find_room() {
    let mut undone = 0;
    for path in descriptions("tests/cases").into_iter().chain(descriptions("tests/examples")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let analysis = analyze(&text, Syntax::from_path(&path.to_string_lossy()).unwrap());
        let (Some(cluster), Some(plan)) = (analysis.validation.cluster.as_ref(), analysis.plan()) else { continue };
        let mut replay = plan.replay(cluster);
        while let Some(step) = replay.advance() {
            let (Action::Drain { moves, .. } | Action::Failback { moves, .. }) = &step.action else { continue };
            let state = replay.state();
            let mut hosted: Vec<usize> = vec![0; cluster.nodes().len()];
            for service in cluster.service_ids() {
                hosted[state.service(service).node.index()] += 1;
            }
            for m in moves.iter().rev() {
                let (home, definition) = (cluster.node(m.from), cluster.service(m.service));
                assert!(
                    definition.owners.contains(m.from),
                    "{}: {} back to {}",
                    path.display(),
                    definition.name,
                    home.name
                );
                hosted[m.to.index()] -= 1;
                hosted[m.from.index()] += 1;
                let room = home.capacity.map_or(usize::MAX, |capacity| capacity as usize);
                assert!(
                    hosted[m.from.index()] <= room,
                    "{}: `{}`: moving {} back to {} overfills it",
                    path.display(),
                    step.title,
                    definition.name,
                    home.name
                );
                undone += 1;
            }
            assert!(step.details.rollback.starts_with("move "), "{}", step.details.rollback);
        }
    }
    assert!(undone > 50, "only {undone} moves undone: the goldens have many drains");
}

#[test]
fn nothing_to_upgrade_takes_no_finalize_and_says_so() {
    let text = common::read("tests/cases/finalize-pending.yaml").replace("mongodb: \"6.0\"", "mongodb: \"7.0\"");
    let analysis = analyze(&text, Syntax::Yaml);
    assert_eq!(analysis.plan().map(|plan| plan.steps.len()), Some(0));
    let nothing = analysis.validation.diagnostics.iter().find(|d| d.code.as_str() == "nothing-to-do").unwrap();
    let hint = nothing.hint.as_deref().unwrap();
    assert!(
        hint.contains("mongodb (setFeatureCompatibilityVersion 7.0)") && hint.contains("take it by hand"),
        "{hint}"
    );
}

#[test]
fn roles_are_upgraded_in_policy_order_and_the_checker_holds_plans_to_it() {
    let ordered = common::read("tests/cases/order-by-role.yaml");
    let roles_of = |text: &str| {
        let analysis = analyze(text, Syntax::Yaml);
        let cluster = analysis.validation.cluster.clone().unwrap();
        let plan = analysis.plan().unwrap().clone();
        let roles: Vec<String> = plan
            .steps
            .iter()
            .filter_map(|step| match step.action {
                Action::Upgrade { node, .. } => cluster.node(node).role.clone(),
                _ => None,
            })
            .collect();
        (cluster, plan, roles)
    };
    let (cluster, plan, roles) = roles_of(&ordered);
    assert_eq!(roles, ["CAS", "CAS", "HUB", "HUB", "MBX", "MBX"]);
    check(&cluster, &plan).unwrap();
    // Without the order the planner starts elsewhere; held to the order, that plan is refused.
    let (_, unordered_plan, unordered_roles) = roles_of(&ordered.replace("  order: [CAS, HUB, MBX]\n", ""));
    assert_ne!(unordered_roles, roles, "the case must show the order at work");
    assert_eq!(check(&cluster, &unordered_plan).unwrap_err().rule, "order");
}

#[test]
fn the_checklist_says_which_skew_rule_is_at_its_limit_and_the_checker_holds_it_to_that() {
    let analysis = analyze(&common::read("tests/cases/skew-at-limit.yaml"), Syntax::Yaml);
    let cluster = analysis.validation.cluster.clone().unwrap();
    let plan = analysis.plan().unwrap().clone();
    let at = |step: usize| plan.at_limit_after(step).map(|span| span.message.as_str()).collect::<Vec<_>>();
    assert_eq!(at(0), Vec::<&str>::new(), "nothing is apart before the first upgrade");
    assert_eq!(at(1), ["agent 1 on A is 1 release older than api 2 on A (limit 1)"]);
    assert_eq!(at(20), Vec::<&str>::new(), "every node ends on the target");
    check(&cluster, &plan).unwrap();
    let rule = |plan: &rollplan_core::plan::Plan| check(&cluster, plan).unwrap_err().rule;
    // A limit left out, one said of the wrong pair, one said too long, and a miscounted summary are all refused.
    let mut left_out = plan.clone();
    left_out.at_limit.remove(0);
    assert_eq!(rule(&left_out), "at-limit");
    let mut wrong_pair = plan.clone();
    wrong_pair.at_limit[0].message = "agent 1 on B is 1 release older than api 2 on A (limit 1)".to_owned();
    assert_eq!(rule(&wrong_pair), "at-limit");
    let mut too_long = plan.clone();
    too_long.at_limit.last_mut().unwrap().last = plan.steps.len() - 1;
    assert_eq!(rule(&too_long), "at-limit");
    let mut miscounted = plan.clone();
    miscounted.summary.skew_steps = 1;
    assert_eq!(rule(&miscounted), "skew-steps");
}
