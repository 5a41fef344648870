//! Platform profiles: the commands that carry out each step on the platform
//! a description names (`platform:`), the checks that prove each worked,
//! and what to check before the first step.
//!
//! Each platform is one file holding one [`Profile`]: a table of command
//! lines with `{placeholders}`, data rather than code of its own. A new
//! platform is a new file, a variant of [`Platform`] and a line in
//! [`profile`]. Commands are text for a person or a runbook to run; rollplan
//! never runs them. Every name, version and title filled into a command is
//! quoted for the platform's [`Shell`], so that a node named `a;rm -rf /`
//! reaches the command as one argument.
//!
//! Knows the plan's actions and states, and nothing of how the planner
//! chose them.

mod elasticsearch;
mod exchange_2003;
mod kubernetes;
mod mongodb;
pub mod quote;
mod wsfc;

pub use quote::Shell;
use serde::Serialize;

use crate::model::{Cluster, ComponentId, NodeId, Platform, ServiceId};
use crate::plan::{Action, Hop, State};

/// One command line of a table. Each argument is filled in and quoted as
/// one word; an argument that starts with `@` is the shell's own syntax
/// (a pipe, `$ES`, a PowerShell expression), written as it is, and may hold
/// only the placeholders whose values rollplan chooses from a fixed set.
#[derive(Debug)]
pub struct Line {
    pub args: &'static [&'static str],
    pub place: Place,
}

/// Where a line runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// On the administrator's machine.
    Here,
    /// On the step's node: through `ssh` (POSIX) or `Invoke-Command` (PowerShell).
    OnNode,
    /// By hand: written as a comment (`# by hand: ...`), its control characters made spaces.
    Manual,
    /// Said, not done: a comment, as above, without `by hand:`.
    Note,
}

/// A line run on the administrator's machine.
pub const fn here(args: &'static [&'static str]) -> Line {
    Line { args, place: Place::Here }
}

/// A line run on the step's node.
pub const fn on_node(args: &'static [&'static str]) -> Line {
    Line { args, place: Place::OnNode }
}

/// Something to do by hand, which no command does for every site.
pub const fn manual(args: &'static [&'static str]) -> Line {
    Line { args, place: Place::Manual }
}

/// Something to know at this point, which nobody needs to do.
pub const fn note(args: &'static [&'static str]) -> Line {
    Line { args, place: Place::Note }
}

/// How a line done by hand begins, in `commands`: a runbook waits for it.
pub const BY_HAND: &str = "# by hand: ";

/// The commands of one kind of step, and the checks that prove it worked
/// (each exits non-zero, throws, or prints `False` when it did not).
#[derive(Debug)]
pub struct Recipe {
    pub run: &'static [Line],
    pub verify: &'static [Line],
}

/// No commands.
pub const NOTHING: Recipe = Recipe { run: &[], verify: &[] };

/// The upgrade of one component (`component`: its name in the description,
/// or `*` for any). `first`, when given, is for the first node to reach a
/// release (kubeadm's `upgrade apply`, where later nodes `upgrade node`).
#[derive(Debug)]
pub struct Upgrade {
    pub component: &'static str,
    pub recipe: Recipe,
    pub first: Option<Recipe>,
}

/// One check before the first step, with the command that shows it.
#[derive(Debug)]
pub struct Check {
    pub text: &'static str,
    pub command: Option<Line>,
}

/// A platform's table.
#[derive(Debug)]
pub struct Profile {
    pub shell: Shell,
    pub preflight: &'static [Check],
    /// Each service moved (`move`, `verify`, and each move of a `drain` or
    /// `failback`): `{service}`, `{from}`, `{to}`.
    pub moves: Recipe,
    /// A `drain` as one command (`kubectl drain`), in place of its moves when not empty: `{node}`.
    pub drain: Recipe,
    pub pause: Recipe,
    /// Each hop: `{component}`, `{title}`, `{version}`, `{old_version}`; the first entry for its component.
    pub upgrade: &'static [Upgrade],
    /// Once per `upgrade` step whose components include one that reboots.
    pub reboot: Recipe,
    pub resume: Recipe,
    /// After a resume that leaves no node paused (in a wave, its last
    /// node's): what waits for the whole cluster, such as Elasticsearch's
    /// allocation turned back on, which must not copy the shards of a
    /// wave's other nodes elsewhere while they are still down.
    pub all_up: Recipe,
    pub offline: Recipe,
    pub online: Recipe,
    /// `{component}`, `{title}`, `{version}` (the target).
    pub finalize: Recipe,
}

/// The table of `platform`; `None` for `generic`.
pub fn profile(platform: Platform) -> Option<&'static Profile> {
    match platform {
        Platform::Generic => None,
        Platform::Exchange2003 => Some(&exchange_2003::PROFILE),
        Platform::Wsfc => Some(&wsfc::PROFILE),
        Platform::Kubernetes => Some(&kubernetes::PROFILE),
        Platform::Elasticsearch => Some(&elasticsearch::PROFILE),
        Platform::Mongodb => Some(&mongodb::PROFILE),
    }
}

/// One check of the list before the first step, filled in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Preflight {
    pub check: String,
    /// The command that shows it, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
}

/// What to check before the first step on the cluster's platform (empty for `generic`).
pub fn preflight(cluster: &Cluster) -> Vec<Preflight> {
    let Some(profile) = profile(cluster.platform()) else {
        return Vec::new();
    };
    let values = Values::default();
    profile
        .preflight
        .iter()
        .map(|check| Preflight {
            check: check.text.to_owned(),
            command: check.command.as_ref().map(|line| render(profile.shell, line, &values)),
        })
        .collect()
}

/// The commands that carry out `action` (applied to `before`) on the
/// cluster's platform, and the checks that prove it worked: both empty for
/// `generic`.
pub fn step_commands(cluster: &Cluster, before: &State, action: &Action) -> (Vec<String>, Vec<String>) {
    let Some(profile) = profile(cluster.platform()) else {
        return (Vec::new(), Vec::new());
    };
    let mut out = Commands { shell: profile.shell, run: Vec::new(), verify: Vec::new() };
    let node_name = |id: NodeId| cluster.node(id).name.as_str();
    let service_name = |id: ServiceId| cluster.service(id).name.as_str();
    let on = |node: NodeId| Values { node: node_name(node), ..Values::default() };
    let moved = |out: &mut Commands, service: ServiceId, from: NodeId, to: NodeId| {
        let values = Values {
            node: node_name(from),
            service: service_name(service),
            from: node_name(from),
            to: node_name(to),
            ..Values::default()
        };
        out.add(&profile.moves, &values);
    };
    match action {
        Action::Move { service, from, to } | Action::Verify { service, from, to } => {
            moved(&mut out, *service, *from, *to);
        }
        Action::Failback { moves, .. } => {
            for step in moves {
                moved(&mut out, step.service, step.from, step.to);
            }
        }
        Action::Drain { node, moves } => {
            if profile.drain.run.is_empty() {
                for step in moves {
                    moved(&mut out, step.service, step.from, step.to);
                }
            } else {
                out.add(&profile.drain, &on(*node));
            }
        }
        Action::Pause { node } => out.add(&profile.pause, &on(*node)),
        Action::Resume { node } => {
            let health = if mixed_releases(cluster, before) { "yellow" } else { "green" };
            out.add(&profile.resume, &Values { health, ..on(*node) });
            if before.nodes.iter_ids().all(|(other, state)| state.up || other == *node) {
                out.add(&profile.all_up, &Values { health, nodes: cluster.nodes().len(), ..on(*node) });
            }
        }
        Action::Upgrade { node, components } => {
            for hop in components {
                upgrade(&mut out, profile, cluster, before, *node, hop);
            }
            if components.iter().any(|hop| cluster.component(hop.component).reboot) {
                out.add(&profile.reboot, &on(*node));
            }
        }
        Action::Offline { service, node } | Action::Online { service, node } => {
            let recipe = if matches!(action, Action::Offline { .. }) { &profile.offline } else { &profile.online };
            out.add(recipe, &Values { service: service_name(*service), ..on(*node) });
        }
        Action::Finalize { component } => {
            let definition = cluster.component(*component);
            let values = Values {
                component: &definition.name,
                title: &definition.title,
                version: &definition.target,
                ..Values::default()
            };
            out.add(&profile.finalize, &values);
        }
    }
    (out.run, out.verify)
}

/// The commands of one hop: its component's entry, or the first of a
/// release's nodes' entry when the node is the first to reach it.
fn upgrade(out: &mut Commands, profile: &Profile, cluster: &Cluster, before: &State, node: NodeId, hop: &Hop) {
    let definition = cluster.component(hop.component);
    let Some(entry) = profile.upgrade.iter().find(|entry| entry.component == definition.name || entry.component == "*")
    else {
        return;
    };
    let recipe = match &entry.first {
        Some(first) if !anyone_runs(cluster, before, hop.component, &hop.to) => first,
        _ => &entry.recipe,
    };
    let values = Values {
        node: &cluster.node(node).name,
        component: &definition.name,
        title: &definition.title,
        version: &hop.to,
        old_version: &hop.from,
        ..Values::default()
    };
    out.add(recipe, &values);
}

/// Whether some node runs `release` of `component` in `state`.
fn anyone_runs(cluster: &Cluster, state: &State, component: ComponentId, release: &str) -> bool {
    cluster.node_ids().any(|node| state.node(node).version(component) == Some(release))
}

/// Whether the nodes of `state` run more than one release of a component
/// (Elasticsearch's health is then yellow at best: a replica is never
/// allocated to a node older than its primary). Stops at the first difference.
fn mixed_releases(cluster: &Cluster, state: &State) -> bool {
    cluster.component_ids().any(|component| {
        let mut releases = cluster.node_ids().filter_map(|node| state.node(node).version(component));
        let first = releases.next();
        releases.any(|release| Some(release) != first)
    })
}

/// The commands of one step as they are filled in.
struct Commands {
    shell: Shell,
    run: Vec<String>,
    verify: Vec<String>,
}

impl Commands {
    fn add(&mut self, recipe: &Recipe, values: &Values<'_>) {
        self.run.extend(recipe.run.iter().map(|line| render(self.shell, line, values)));
        self.verify.extend(recipe.verify.iter().map(|line| render(self.shell, line, values)));
    }
}

/// What the placeholders stand for in one line; empty where the step has none.
#[derive(Default)]
struct Values<'a> {
    node: &'a str,
    service: &'a str,
    from: &'a str,
    to: &'a str,
    component: &'a str,
    title: &'a str,
    version: &'a str,
    old_version: &'a str,
    /// `green` or `yellow`: chosen by rollplan, so allowed in the shell's own syntax.
    health: &'static str,
    /// How many nodes the cluster has: a number, so allowed in the shell's own syntax.
    nodes: usize,
}

impl Values<'_> {
    /// The value of placeholder `name`; `None` for a name that is none
    /// (the braces are then text, as in `jsonpath={.spec.unschedulable}`).
    /// `trusted`: only the values rollplan chooses from a fixed set.
    fn get(&self, name: &str, trusted: bool) -> Option<String> {
        let value = match name {
            "health" => self.health,
            "cluster_nodes" => return Some(self.nodes.to_string()),
            _ if trusted => return None,
            "node" => self.node,
            "service" => self.service,
            "from" => self.from,
            "to" => self.to,
            "component" => self.component,
            "title" => self.title,
            "version" => self.version,
            "old_version" => self.old_version,
            // An exact package version for apt where packages carry no Debian
            // revision (Elasticsearch, MongoDB): `8.16.1`, or `8.16.*` for a minor alone.
            "apt_version" => {
                return Some(if self.version.split('.').count() >= 3 {
                    self.version.to_owned()
                } else {
                    format!("{}.*", self.version)
                });
            }
            // `major.minor` of the version (MongoDB's featureCompatibilityVersion).
            "minor_version" => return Some(self.version.split('.').take(2).collect::<Vec<_>>().join(".")),
            // A package version pattern for apt: `1.30.4-*`, or `1.30.*` for a minor alone.
            "package_version" => {
                return Some(if self.version.split('.').count() >= 3 {
                    format!("{}-*", self.version)
                } else {
                    format!("{}.*", self.version)
                });
            }
            _ => return None,
        };
        Some(value.to_owned())
    }
}

/// `arg` with its placeholders filled in (`{name}`, or `{name:js}` for a
/// JavaScript string literal), and whether it had any.
fn fill(arg: &str, values: &Values<'_>, trusted: bool) -> (String, bool) {
    let mut out = String::with_capacity(arg.len());
    let mut filled = false;
    let mut rest = arg;
    while let Some(open) = rest.find('{') {
        let (before, from_brace) = rest.split_at(open);
        out.push_str(before);
        let inner = from_brace.get(1..).unwrap_or_default();
        let Some(close) = inner.find('}') else {
            out.push_str(from_brace);
            return (out, filled);
        };
        let (name, after) = inner.split_at(close);
        let (key, js) = name.strip_suffix(":js").map_or((name, false), |key| (key, true));
        match values.get(key, trusted) {
            Some(value) if js => {
                out.push_str(&serde_json::to_string(&value).unwrap_or_default());
                filled = true;
            }
            Some(value) => {
                out.push_str(&value);
                filled = true;
            }
            None => {
                // Not a placeholder: the brace is text, and one may follow inside (`{x: {version:js}}`).
                out.push('{');
                rest = inner;
                continue;
            }
        }
        rest = after.get(1..).unwrap_or_default();
    }
    out.push_str(rest);
    (out, filled)
}

/// One line of a table, filled in and quoted for `shell`.
fn render(shell: Shell, line: &Line, values: &Values<'_>) -> String {
    if matches!(line.place, Place::Manual | Place::Note) {
        let text: Vec<String> =
            line.args.iter().map(|arg| fill(arg.trim_start_matches('@'), values, false).0).collect();
        let text: String = text.join(" ").chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        return if line.place == Place::Manual { format!("{BY_HAND}{text}") } else { format!("# {text}") };
    }
    let words: Vec<String> = line
        .args
        .iter()
        .map(|arg| match arg.strip_prefix('@') {
            Some(syntax) => fill(syntax, values, true).0,
            None => {
                let (text, filled) = fill(arg, values, false);
                shell.quote(&text, filled)
            }
        })
        .collect();
    // A closing parenthesis of the shell's own syntax follows its word with no space.
    let mut command = String::new();
    for (index, word) in words.iter().enumerate() {
        if index > 0 && !(word.starts_with(')') && line.args.get(index).is_some_and(|arg| arg.starts_with('@'))) {
            command.push(' ');
        }
        command.push_str(word);
    }
    match (line.place, shell) {
        (Place::OnNode, Shell::Posix) => {
            format!("ssh -- {} {}", shell.quote(values.node, true), quote::posix(&command))
        }
        (Place::OnNode, Shell::PowerShell) => {
            format!("Invoke-Command -ComputerName {} -ScriptBlock {{ {command} }}", shell.quote(values.node, true))
        }
        _ => command,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a;rm -rf /";

    fn every_profile() -> Vec<(Platform, &'static Profile)> {
        Platform::ALL.iter().filter_map(|&(_, p)| profile(p).map(|profile| (p, profile))).collect()
    }

    fn every_line(profile: &Profile) -> Vec<&Line> {
        let mut recipes: Vec<&Recipe> = vec![
            &profile.moves,
            &profile.drain,
            &profile.pause,
            &profile.reboot,
            &profile.resume,
            &profile.all_up,
            &profile.offline,
            &profile.online,
            &profile.finalize,
        ];
        for entry in profile.upgrade {
            recipes.push(&entry.recipe);
            recipes.extend(entry.first.as_ref());
        }
        let mut lines: Vec<&Line> = recipes.iter().flat_map(|r| r.run.iter().chain(r.verify)).collect();
        lines.extend(profile.preflight.iter().filter_map(|check| check.command.as_ref()));
        lines
    }

    /// The shell's own syntax holds no placeholder of a value from the
    /// description: every such value is quoted as a word of its own.
    #[test]
    fn no_description_value_is_written_into_shell_syntax() {
        let names = ["node", "service", "from", "to", "component", "title", "version", "old_version"];
        for (platform, profile) in every_profile() {
            for line in every_line(profile) {
                for arg in line.args.iter().filter_map(|arg| arg.strip_prefix('@')) {
                    for name in names.iter().chain(&["package_version", "apt_version", "minor_version"]) {
                        assert!(
                            !arg.contains(&format!("{{{name}")),
                            "{platform:?}: `{arg}` writes {{{name}}} unquoted"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_hostile_name_is_one_quoted_word() {
        let values = Values { node: HOSTILE, service: HOSTILE, from: "N1", to: HOSTILE, ..Values::default() };
        let posix = render(Shell::Posix, &here(&["kubectl", "drain", "{node}", "--ignore-daemonsets"]), &values);
        assert_eq!(posix, "kubectl drain 'a;rm -rf /' --ignore-daemonsets");
        let remote = render(Shell::Posix, &on_node(&["sudo", "systemctl", "stop", "x"]), &values);
        assert_eq!(remote, "ssh -- 'a;rm -rf /' 'sudo systemctl stop x'");
        let ps =
            render(Shell::PowerShell, &here(&["Move-ClusterGroup", "-Name", "{service}", "-Node", "{to}"]), &values);
        assert_eq!(ps, "Move-ClusterGroup -Name 'a;rm -rf /' -Node 'a;rm -rf /'");
        let inside = render(Shell::PowerShell, &here(&["cluster.exe", "group", "{service}", "/moveto:{to}"]), &values);
        assert_eq!(inside, "cluster.exe group 'a;rm -rf /' '/moveto:a;rm -rf /'");
    }

    #[test]
    fn manual_lines_are_comments_on_one_line() {
        let values = Values { node: "N1\nreboot", title: "Exchange", version: "SP2", ..Values::default() };
        let line = render(Shell::Posix, &manual(&["install", "{title}", "{version}", "on", "{node}"]), &values);
        assert_eq!(line, "# by hand: install Exchange SP2 on N1 reboot");
    }

    #[test]
    fn placeholders_fill_in_and_other_braces_stay() {
        let values = Values { node: "w1", version: "1.30", ..Values::default() };
        assert_eq!(
            fill("jsonpath={.spec.unschedulable}", &values, false),
            ("jsonpath={.spec.unschedulable}".to_owned(), false)
        );
        assert_eq!(fill("node/{node}", &values, false), ("node/w1".to_owned(), true));
        assert_eq!(fill("kubelet={package_version}", &values, false).0, "kubelet=1.30.*");
        assert_eq!(
            fill("x({version:js})", &Values { version: "7.0\"", ..Values::default() }, false).0,
            "x(\"7.0\\\"\")"
        );
        assert_eq!(fill("{node}", &values, true), ("{node}".to_owned(), false));
        // A placeholder inside braces that are text.
        let nested = fill(
            "db.adminCommand({setFeatureCompatibilityVersion: {minor_version:js}, confirm: true})",
            &Values { version: "7.0.14", ..Values::default() },
            false,
        );
        assert_eq!(nested.0, "db.adminCommand({setFeatureCompatibilityVersion: \"7.0\", confirm: true})");
        assert_eq!(fill("{apt_version}", &Values { version: "8.16", ..Values::default() }, false).0, "8.16.*");
        assert_eq!(fill("{apt_version}", &Values { version: "8.16.1", ..Values::default() }, false).0, "8.16.1");
    }
}
