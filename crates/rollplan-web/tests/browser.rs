//! The app mounted in a real browser: headless Chromium, driven by
//! `wasm-bindgen-test-runner` (run by `cargo xtask test`, or by hand with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p rollplan-web --target wasm32-unknown-unknown --test browser`).
//!
//! Each test clears storage, mounts its own app into its own `<div>` and only
//! looks inside it, so tests do not depend on each other's order. "A reload"
//! is a second app mounted in the same page: it starts from storage exactly as
//! a reloaded page does.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use rollplan_web::App;
use rollplan_web::hooks::{PROGRESS_KEY_PREFIX, STORAGE_KEY};
use rollplan_web::record;
use rollplan_web::state::{EXAMPLES, Example, SEED};
use rollplan_web::text_position::utf16_offset;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{
    Element, Event, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent,
    KeyboardEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Yew renders on its scheduler, after the current task and in slices: wait until it is done.
async fn settle() {
    yew::scheduler::flush().await;
}

/// Waits until `condition` holds on a fully rendered page (the analysis runs a
/// moment after typing), or fails after about 5 s.
async fn wait_until(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..250 {
        settle().await;
        if condition() {
            return;
        }
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting until {what}");
}

/// The description saved, read from its record.
fn saved_text() -> Option<String> {
    let raw = storage().get_item(STORAGE_KEY).unwrap()?;
    record::decode_text(&raw).stored().map(|stored| stored.data)
}

/// A first visit: nothing saved.
fn forget_everything() {
    storage().clear().unwrap();
}

/// Mounts a fresh app in a new `<div>` and waits for its first render.
async fn mount() -> Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    root
}

fn find<T: JsCast>(root: &Element, selector: &str) -> T {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("nothing matches {selector}")).dyn_into().unwrap()
}

fn find_all(root: &Element, selector: &str) -> Vec<Element> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length()).map(|i| nodes.item(i).unwrap().dyn_into().unwrap()).collect()
}

fn textarea(root: &Element) -> HtmlTextAreaElement {
    find(root, "textarea")
}

/// The text of every element matching `selector`.
fn texts(root: &Element, selector: &str) -> Vec<String> {
    find_all(root, selector).iter().map(|element| element.text_content().unwrap_or_default()).collect()
}

/// Types `text` as a user would: set the value, then fire the `input` event the page listens to.
async fn type_text(root: &Element, text: &str) {
    let editor = textarea(root);
    editor.set_value(text);
    editor.dispatch_event(&Event::new("input").unwrap()).unwrap();
    settle().await;
}

fn example(name: &str) -> &'static Example {
    EXAMPLES.iter().find(|example| example.name == name).unwrap()
}

async fn pick_example(root: &Element, name: &str) {
    let select: HtmlSelectElement = find(root, "select");
    select.set_value(name);
    select.dispatch_event(&Event::new("change").unwrap()).unwrap();
    settle().await;
}

fn checkboxes(root: &Element) -> Vec<HtmlInputElement> {
    find_all(root, ".checklist input[type=checkbox]").into_iter().map(|element| element.dyn_into().unwrap()).collect()
}

fn ticked(root: &Element) -> Vec<usize> {
    checkboxes(root).iter().enumerate().filter(|(_, checkbox)| checkbox.checked()).map(|(index, _)| index).collect()
}

/// The indices of the checklist items that have `class`.
fn steps_with_class(root: &Element, class: &str) -> Vec<usize> {
    find_all(root, ".checklist > li")
        .iter()
        .enumerate()
        .filter(|(_, item)| item.class_list().contains(class))
        .map(|(index, _)| index)
        .collect()
}

#[wasm_bindgen_test]
async fn first_visit_shows_the_seed_and_its_plan() {
    forget_everything();
    let root = mount().await;

    assert_eq!(textarea(&root).value(), SEED.text);
    assert_eq!(texts(&root, ".diagnostic.error"), Vec::<String>::new());
    assert!(texts(&root, ".diagnostics .counts")[0].starts_with("0 errors"));
    // The cluster summary: name, both nodes with their current version, the service and its node.
    assert_eq!(texts(&root, ".cluster .cluster-name"), ["EXCH-CL1"]);
    let rows = texts(&root, ".nodes tbody tr");
    assert_eq!(rows.len(), 2);
    assert!(rows[0].contains("NODE1") && rows[0].contains("SP1"), "{rows:?}");
    assert_eq!(texts(&root, ".services .service-name"), ["EVS1"]);
    assert_eq!(texts(&root, ".services .service-node"), ["NODE1"]);
    // Line numbers for every line of the text.
    let numbers = texts(&root, ".line-numbers")[0].clone();
    assert_eq!(numbers.lines().count(), SEED.text.lines().count() + 1);

    // The plan: numbered steps, the first one current, risks as badges with their explanation.
    let titles = texts(&root, ".checklist .step-title");
    assert_eq!(titles.len(), 8, "{titles:?}");
    assert_eq!(titles[0], "Pause NODE2");
    assert_eq!(texts(&root, ".checklist .step-number")[0], "1");
    assert_eq!(steps_with_class(&root, "current"), [0]);
    let badges = texts(&root, ".checklist .risk-badge");
    assert!(badges.iter().any(|badge| badge == "no-failover-target"), "{badges:?}");
    assert!(badges.iter().any(|badge| badge == "mixed-version-failover"), "{badges:?}");
    let risks = texts(&root, ".checklist .risk-message");
    assert!(
        risks.iter().any(|risk| risk
            == "If NODE1 fails now, EVS1 fails over to NODE2, which runs Exchange Server 2003 SP2 while NODE1 runs SP1: failover across revisions may not work"),
        "{risks:?}"
    );
    let details = texts(&root, ".checklist .step-details")[0].clone();
    assert!(details.contains("NODE2 hosts no running services"), "{details}");
    assert_eq!(texts(&root, ".checklist .step-minutes")[0], "about 2 min");

    // The summary bar.
    let figures = texts(&root, ".plan-summary .figure");
    assert!(figures.contains(&"Moves2".to_owned()), "{figures:?}");
    assert!(figures.contains(&"Mixed-version steps4".to_owned()), "{figures:?}");
    assert!(figures.contains(&"Outage0 min".to_owned()), "{figures:?}");
    assert!(figures.iter().any(|figure| figure.starts_with("Estimated timeabout 1 h 38 min")), "{figures:?}");
    assert!(texts(&root, ".progress-text")[0].starts_with("0 of 8 done"));

    // The timeline: a row per node, the starting state and a column per step.
    assert_eq!(texts(&root, ".timeline-grid tbody th"), ["NODE1", "NODE2"]);
    assert_eq!(find_all(&root, ".timeline-grid thead th.step-column").len(), 9);
    let first_row = find_all(&root, ".timeline-grid tbody tr")[0].clone();
    let now = first_row.query_selector("td").unwrap().unwrap();
    assert_eq!(now.text_content().unwrap(), "SP1EVS1", "NODE1 now: SP1, hosting EVS1");
    let node2_after_pause = find_all(&root, ".timeline-grid tbody tr")[1]
        .query_selector_all("td")
        .unwrap()
        .item(1)
        .unwrap()
        .dyn_into::<Element>()
        .unwrap();
    assert!(node2_after_pause.class_list().contains("paused"));
    assert!(node2_after_pause.class_list().contains("acted"));
}

#[wasm_bindgen_test]
async fn typing_a_broken_description_shows_a_located_error_that_moves_the_cursor() {
    forget_everything();
    let root = mount().await;

    // A comment with a character outside the BMP before the error: the cursor must
    // still land on the right place (UTF-16 offsets differ from columns there).
    let broken = format!("# 🚀 rollout\n{}", SEED.text.replace("on: NODE1", "on: NODE3"));
    type_text(&root, &broken).await;
    wait_until("the error shows", || !texts(&root, ".diagnostic.error").is_empty()).await;

    let line = broken.lines().position(|line| line.contains("on: NODE3")).unwrap() + 1;
    let errors = texts(&root, ".diagnostic.error");
    let error = errors
        .iter()
        .find(|error| error.contains("unknown-node"))
        .unwrap_or_else(|| panic!("no unknown-node error in {errors:?}"));
    assert!(error.contains("NODE3"), "{error}");
    let column = broken.lines().nth(line - 1).unwrap().find("NODE3").unwrap() + 1;
    assert_eq!(texts(&root, ".diagnostic.error .location"), [format!("line {line}, column {column}")]);
    // The error's line is marked in the gutter.
    assert_eq!(find_all(&root, ".gutter .line-mark.error").len(), 1);
    // No summary or plan of a cluster that does not validate.
    assert!(root.query_selector(".cluster").unwrap().is_none());
    assert!(root.query_selector(".checklist").unwrap().is_none());

    // Clicking the diagnostic selects the offending value in the editor.
    find::<HtmlElement>(&root, ".diagnostic.error .diagnostic-jump").click();
    settle().await;
    let editor = textarea(&root);
    let start = utf16_offset(&broken, line as u32, column as u32);
    assert_eq!(editor.selection_start().unwrap(), Some(start));
    assert_eq!(editor.selection_end().unwrap(), Some(start + 5), "NODE3 selected");
    assert_eq!(document().active_element().unwrap(), editor.clone().into());

    // Fixing it again clears the error and brings the plan back.
    type_text(&root, SEED.text).await;
    wait_until("the plan is back", || root.query_selector(".checklist").unwrap().is_some()).await;
    assert_eq!(texts(&root, ".diagnostic.error"), Vec::<String>::new());
}

#[wasm_bindgen_test]
async fn analysis_waits_for_typing_to_pause() {
    forget_everything();
    let root = mount().await;
    type_text(&root, "format: 1\n").await;
    // Right after the keystroke the old results are still shown, marked as being rechecked.
    assert!(find::<Element>(&root, ".diagnostics").class_list().contains("stale"));
    assert_eq!(texts(&root, ".diagnostic.error"), Vec::<String>::new());
    wait_until("the new text is checked", || !texts(&root, ".diagnostic.error").is_empty()).await;
    assert!(!find::<Element>(&root, ".diagnostics").class_list().contains("stale"));
}

#[wasm_bindgen_test]
async fn the_description_survives_a_reload() {
    forget_everything();
    let first = mount().await;
    let edited = SEED.text.replace("EXCH-CL1", "EXCH-CL9");
    type_text(&first, &edited).await;
    assert_eq!(saved_text().as_deref(), Some(edited.as_str()));

    let second = mount().await;
    assert_eq!(textarea(&second).value(), edited);
    assert_eq!(texts(&second, ".cluster .cluster-name"), ["EXCH-CL9"]);
}

#[wasm_bindgen_test]
async fn ticked_steps_survive_a_reload() {
    forget_everything();
    let first = mount().await;
    pick_example(&first, "exchange-four-node.yaml").await;
    let boxes = checkboxes(&first);
    assert_eq!(boxes.len(), 18);
    boxes[0].click();
    boxes[1].click();
    settle().await;
    assert_eq!(ticked(&first), [0, 1]);
    assert_eq!(steps_with_class(&first, "current"), [2], "the current step is the first unticked one");
    assert!(texts(&first, ".progress-text")[0].starts_with("2 of 18 done"));
    let saved: Vec<String> = (0..storage().length().unwrap())
        .filter_map(|i| storage().key(i).unwrap())
        .filter(|key| key.starts_with(PROGRESS_KEY_PREFIX))
        .collect();
    assert_eq!(saved.len(), 1, "one plan's progress: {saved:?}");
    let record = record::decode_steps(&storage().get_item(&saved[0]).unwrap().unwrap());
    assert_eq!(record.stored().map(|stored| stored.data.into_iter().collect::<Vec<_>>()), Some(vec![0, 1]));

    let second = mount().await;
    assert_eq!(textarea(&second).value(), example("exchange-four-node.yaml").text);
    assert_eq!(ticked(&second), [0, 1]);
    assert_eq!(steps_with_class(&second, "current"), [2]);
    let done_columns = find_all(&second, ".timeline-grid thead th.done").len();
    assert_eq!(done_columns, 2);

    // Unticking is remembered too.
    checkboxes(&second)[0].click();
    settle().await;
    let third = mount().await;
    assert_eq!(ticked(&third), [1]);
}

#[wasm_bindgen_test]
async fn progress_belongs_to_its_plan() {
    forget_everything();
    let root = mount().await;
    checkboxes(&root)[0].click();
    settle().await;
    pick_example(&root, "exchange-four-node.yaml").await;
    assert_eq!(ticked(&root), Vec::<usize>::new(), "another plan starts unticked");
    pick_example(&root, SEED.name).await;
    assert_eq!(ticked(&root), [0], "the seed's ticks are kept");
    find::<HtmlElement>(&root, ".plan-summary button").click();
    settle().await;
    assert_eq!(ticked(&root), Vec::<usize>::new(), "untick all");
    let undo = find::<HtmlElement>(&root, ".plan-summary button");
    assert_eq!(undo.text_content().unwrap(), "Undo untick all");
    undo.click();
    settle().await;
    assert_eq!(ticked(&root), [0], "undone");
}

#[wasm_bindgen_test]
async fn picking_an_example_loads_and_plans_it() {
    forget_everything();
    let root = mount().await;
    let four = example("exchange-four-node.yaml");
    pick_example(&root, four.name).await;

    assert_eq!(textarea(&root).value(), four.text);
    assert_eq!(texts(&root, ".nodes tbody tr").len(), 4);
    assert_eq!(texts(&root, ".timeline-grid tbody th"), ["NODE1", "NODE2", "NODE3", "NODE4"]);
    assert_eq!(texts(&root, ".checklist .step-title").len(), 18);
    // Both components are in the legend, each with its releases.
    let legend = texts(&root, ".timeline-legend .legend-component");
    assert_eq!(legend.len(), 2, "{legend:?}");
    assert!(legend[1].contains("SP1") && legend[1].contains("SP2 (target)"), "{legend:?}");
}

#[wasm_bindgen_test]
async fn selecting_a_timeline_column_selects_its_step() {
    forget_everything();
    let root = mount().await;
    let column = find::<HtmlElement>(&root, ".timeline-grid button[data-step=\"3\"]");
    column.click();
    settle().await;
    assert_eq!(steps_with_class(&root, "selected"), [3]);
    assert_eq!(column.get_attribute("aria-pressed").as_deref(), Some("true"));
    assert_eq!(find_all(&root, ".timeline-grid td.selected").len(), 2, "the whole column");

    // The arrow keys move along the columns.
    column.focus().unwrap();
    let init = KeyboardEventInit::new();
    init.set_key("ArrowRight");
    init.set_bubbles(true);
    column.dispatch_event(&KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
    settle().await;
    assert_eq!(steps_with_class(&root, "selected"), [4]);
    let focused = document().active_element().unwrap();
    assert_eq!(focused.get_attribute("data-step").as_deref(), Some("4"));
}

#[wasm_bindgen_test]
async fn a_blocked_cluster_says_why_in_the_clis_words() {
    forget_everything();
    let root = mount().await;
    let text = SEED.text.replace("owners: [NODE1, NODE2]", "owners: [NODE1]");
    type_text(&root, &text).await;
    wait_until("the blocked reasons show", || root.query_selector(".blocked").unwrap().is_some()).await;

    let analysis = rollplan_core::analyze(&text, rollplan_core::Syntax::Yaml);
    let reasons = analysis.blocked().expect("the core blocks it");
    let cli = rollplan_core::report::blocked_text(analysis.validation.cluster.as_ref().unwrap(), reasons);
    let heading = texts(&root, ".blocked h3")[0].clone();
    assert_eq!(heading, cli.lines().next().unwrap());
    assert_eq!(texts(&root, ".blocked-message"), [reasons[0].message.clone()]);
    assert_eq!(texts(&root, ".unblock li"), reasons[0].unblock);
    let rule = texts(&root, ".blocked-rule")[0].clone();
    assert!(cli.contains(&format!("{rule}: {}", reasons[0].message)), "{rule} in {cli}");
    assert!(root.query_selector(".checklist").unwrap().is_none());
}

/// Puts `hash` in the page's address without a `hashchange` (as if the page had been opened with it).
fn set_address_hash(hash: &str) {
    let window = web_sys::window().unwrap();
    let location = window.location();
    let url = format!("{}{}{hash}", location.pathname().unwrap(), location.search().unwrap());
    window.history().unwrap().replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)).unwrap();
}

fn address_hash() -> String {
    web_sys::window().unwrap().location().hash().unwrap()
}

#[wasm_bindgen_test]
async fn a_plan_link_opens_as_a_shared_plan_and_the_saved_description_stays() {
    forget_everything();
    let mine = "format: 1\ncluster: MINE\n";
    storage().set_item(STORAGE_KEY, mine).unwrap();
    let four = example("exchange-four-node.yaml").text;
    let fragment = format!("#{}", rollplan_core::link::encode(four));
    set_address_hash(&fragment);
    let root = mount().await;

    let fingerprint = rollplan_core::analyze(four, rollplan_core::Syntax::Yaml).fingerprint.unwrap();
    assert_eq!(texts(&root, ".shared-banner .fingerprint-value"), [fingerprint]);
    assert_eq!(textarea(&root).value(), four);
    assert!(textarea(&root).read_only());
    assert_eq!(texts(&root, ".checklist .step-title").len(), 18);
    assert_eq!(saved_text().as_deref(), Some(mine));
    assert_eq!(address_hash(), fragment, "the link stays in the address meanwhile");

    let back = find_all(&root, ".shared-banner button")
        .into_iter()
        .find(|button| button.text_content().as_deref() == Some("Back to my description"))
        .unwrap();
    back.dyn_into::<HtmlElement>().unwrap().click();
    settle().await;
    assert_eq!(textarea(&root).value(), mine);
    assert!(!textarea(&root).read_only());
    assert!(root.query_selector(".shared-banner").unwrap().is_none());
    assert_eq!(address_hash(), "", "the link left the address");
    assert_eq!(saved_text().as_deref(), Some(mine));
}

#[wasm_bindgen_test]
async fn a_bad_plan_link_says_why_and_changes_nothing() {
    forget_everything();
    set_address_hash("#r1.AAAA");
    let root = mount().await;
    let message = texts(&root, ".link-error p");
    assert_eq!(message.len(), 1);
    assert!(message[0].contains("this link is damaged"), "{message:?}");
    assert_eq!(textarea(&root).value(), SEED.text);
    assert!(root.query_selector(".shared-banner").unwrap().is_none());
    assert_eq!(address_hash(), "");
}

#[wasm_bindgen_test]
async fn names_from_the_description_are_only_ever_text() {
    forget_everything();
    let root = mount().await;
    let injection = "<img src=x onerror=alert(1)>";
    type_text(&root, &SEED.text.replace("NODE1", &format!("\"{injection}\""))).await;
    wait_until("the plan of the new text", || {
        texts(&root, ".timeline-grid tbody th").first().map(String::as_str) == Some(injection)
    })
    .await;
    assert!(root.query_selector("img").unwrap().is_none());
    assert!(
        texts(&root, ".checklist .step-title")
            .iter()
            .any(|title| title == &format!("Move EVS1 from {injection} to NODE2"))
    );
}

#[wasm_bindgen_test]
async fn comparing_with_a_pasted_link_lists_the_changes() {
    forget_everything();
    let root = mount().await;
    pick_example(&root, "exchange-four-node.yaml").await;
    let four = example("exchange-four-node.yaml").text;
    // NODE1 declared after NODE3: the same upgrades, another order.
    let node1 = "  - {name: NODE1, versions: {windows: \"5.2.3790.3959\", exchange: SP1}, capacity: 1}\n";
    let reordered = four.replace(node1, "").replace("  - {name: NODE4,", &format!("{node1}  - {{name: NODE4,"));
    let field: HtmlTextAreaElement = find(&root, "#compare-input");
    field.set_value(&rollplan_core::link::link("https://x.test/", &reordered));
    field.dispatch_event(&Event::new("input").unwrap()).unwrap();
    settle().await;
    find_all(&root, ".compare-form button")[0].clone().dyn_into::<HtmlElement>().unwrap().click();
    settle().await;
    let moved = texts(&root, ".change-group.moved li");
    assert!(!moved.is_empty());
    assert!(moved[0].starts_with("step "), "{moved:?}");
    assert_eq!(texts(&root, ".summary-deltas tr")[0], "Steps18→18");
}

#[wasm_bindgen_test]
async fn values_saved_before_records_are_migrated() {
    forget_everything();
    let four = example("exchange-four-node.yaml").text;
    let first = mount().await;
    pick_example(&first, "exchange-four-node.yaml").await;
    checkboxes(&first)[0].click();
    settle().await;
    let key: String = (0..storage().length().unwrap())
        .filter_map(|i| storage().key(i).unwrap())
        .find(|key| key.starts_with(PROGRESS_KEY_PREFIX))
        .unwrap();
    // Today's plain values, as an older version of the app saved them.
    forget_everything();
    storage().set_item(STORAGE_KEY, four).unwrap();
    storage().set_item(&key, "0 2").unwrap();

    let second = mount().await;
    assert_eq!(textarea(&second).value(), four);
    assert_eq!(ticked(&second), [0, 2]);
    assert!(find_all(&second, ".storage-notice").is_empty(), "nothing to tell");
    // Written back as records.
    assert_eq!(saved_text().as_deref(), Some(four));
    let raw = storage().get_item(&key).unwrap().unwrap();
    assert!(matches!(record::decode_steps(&raw), record::Loaded::Current(_)), "{raw}");
}

#[wasm_bindgen_test]
async fn an_unreadable_record_is_kept_aside_and_the_user_told() {
    forget_everything();
    let broken = r#"{"schema":1,"revision":3,"da"#;
    storage().set_item(STORAGE_KEY, broken).unwrap();
    let root = mount().await;
    assert_eq!(textarea(&root).value(), SEED.text, "the seed, as on a first visit");
    let kept = format!("{STORAGE_KEY}-unreadable-1");
    assert_eq!(storage().get_item(&kept).unwrap().as_deref(), Some(broken));
    let notice = texts(&root, ".storage-notice.kept-aside");
    assert_eq!(notice.len(), 1);
    assert!(notice[0].contains(&kept), "{notice:?}");

    // Editing saves over it: the unreadable value is safe aside.
    let edited = SEED.text.replace("EXCH-CL1", "EXCH-CL7");
    type_text(&root, &edited).await;
    assert_eq!(saved_text().as_deref(), Some(edited.as_str()));
    assert_eq!(storage().get_item(&kept).unwrap().as_deref(), Some(broken));

    find::<HtmlElement>(&root, ".storage-notice.kept-aside button").click();
    settle().await;
    assert!(find_all(&root, ".storage-notice").is_empty(), "dismissed");
}

/// A large cluster is summed up, and its full tables are rendered only when asked for.
#[wasm_bindgen_test]
async fn a_large_cluster_is_summed_up_until_its_tables_are_asked_for() {
    use std::fmt::Write as _;
    forget_everything();
    let root = mount().await;
    let mut text = String::from("format: 1\ncomponents:\n  os: {title: OS, releases: [A, B], target: B}\nnodes:\n");
    for node in 0..100 {
        let release = if node < 30 { "B" } else { "A" };
        let _ = writeln!(text, "  - {{name: N{node}, versions: {{os: {release}}}}}");
    }
    text.push_str("services:\n");
    for service in 0..600 {
        let _ = writeln!(text, "  - {{name: S{service}, on: N{}}}", 30 + service % 70);
    }
    type_text(&root, &text).await;
    wait_until("the cluster is read", || !texts(&root, ".release-counts li").is_empty()).await;
    assert_eq!(texts(&root, ".release-counts li"), ["OS: 30 nodes on B, 70 nodes on A; target B"]);
    assert!(find_all(&root, ".nodes tbody tr").is_empty(), "no node rows until asked");
    assert!(find_all(&root, ".services li").is_empty(), "no service rows until asked");
    assert_eq!(texts(&root, ".service-count"), ["600 services on 100 nodes."]);
    find::<HtmlElement>(&root, ".show-all-nodes").click();
    find::<HtmlElement>(&root, ".show-all-services").click();
    settle().await;
    assert_eq!(find_all(&root, ".nodes tbody tr").len(), 100);
    assert_eq!(find_all(&root, ".services li").len(), 600);
}

/// The Kubernetes example on the page: each node's role, a dash for a
/// component it does not run, the rules in words, and each hop its own
/// step, named from and to; the steps that take a skew rule to its limit say so.
#[wasm_bindgen_test]
async fn the_kubernetes_example_shows_roles_rules_and_hops() {
    forget_everything();
    let root = mount().await;
    pick_example(&root, "kubernetes-1.28-to-1.30.yaml").await;
    wait_until("the cluster is read", || !find_all(&root, ".nodes tbody tr").is_empty()).await;
    let node_roles = texts(&root, ".nodes tbody td.role");
    assert_eq!(node_roles, ["control-plane", "control-plane", "control-plane", "worker", "worker", "worker"]);
    // A worker runs no kube-apiserver, controller-manager or scheduler; a control-plane node no kube-proxy.
    assert_eq!(find_all(&root, ".nodes tbody td.not-run").len(), 3 * 3 + 3);
    let rules = texts(&root, ".rules li");
    assert_eq!(rules[0], "Upgrade order: control-plane, then worker, then nodes of no listed role");
    assert!(rules.iter().any(|rule| rule == "kube-apiserver passes through every release to 1.30"), "{rules:?}");
    assert!(
        rules
            .iter()
            .any(|rule| rule.starts_with("Skew rule `kubelet` against `kube-apiserver` (max_newer 0, max_older 3)")),
        "{rules:?}"
    );
    wait_until("the plan is shown", || !checkboxes(&root).is_empty()).await;
    let titles = texts(&root, ".step-title");
    assert!(
        titles.iter().any(|title| title.contains("Upgrade cp1 kube-apiserver 1.28 → 1.29")),
        "the first hop is a step of its own: {titles:?}"
    );
    assert!(titles.iter().any(|title| title.contains("Upgrade cp1 kube-apiserver 1.29 → 1.30")), "{titles:?}");
    // The steps after which the kube-apiservers are a release apart say that max_spread 1 is reached.
    let at_limit = texts(&root, ".step .at-limit li");
    assert_eq!(
        at_limit.first().map(String::as_str),
        Some("at the limit kube-apiserver runs 1.29 on cp1 and 1.28 on cp2: 1 release apart (limit 1)"),
        "{at_limit:?}"
    );
}

/// `platform:` gives every step its commands, each with a copy button, as
/// text; the plan begins with the platform's pre-flight list; and the
/// runbook can be downloaded (the button is off without a platform).
#[wasm_bindgen_test]
async fn a_platform_gives_each_step_its_commands_as_text_and_a_preflight_list() {
    forget_everything();
    let root = mount().await;
    let runbook = |root: &Element| {
        find_all(root, ".share-tools button")
            .into_iter()
            .find(|b| b.text_content().as_deref() == Some("Runbook"))
            .expect("a Runbook button")
    };
    wait_until("the seed's plan", || !checkboxes(&root).is_empty()).await;
    assert!(runbook(&root).has_attribute("disabled"), "the seed names no platform");
    assert!(find_all(&root, ".commands").is_empty());
    let hostile = "<img src=x onerror=alert(1)>;rm";
    let text = include_str!("../../../tests/examples/kubernetes-1.28-to-1.30.yaml").replace("w1", hostile);
    type_text(&root, &text).await;
    wait_until("the commands of the kubernetes plan", || !find_all(&root, ".step .commands").is_empty()).await;
    assert!(!runbook(&root).has_attribute("disabled"));
    let preflight = texts(&root, ".preflight-check label");
    assert!(preflight.iter().any(|check| check.contains("etcd snapshot")), "{preflight:?}");
    assert_eq!(find_all(&root, ".preflight-check input[type=checkbox]").len(), preflight.len());
    let commands = texts(&root, ".step code.command");
    assert_eq!(
        commands.first().map(String::as_str),
        Some("kubectl drain --ignore-daemonsets --delete-emptydir-data -- cp1")
    );
    // The hostile name is one quoted word of the command, and only ever text.
    assert!(
        commands
            .iter()
            .any(|c| c == &format!("kubectl drain --ignore-daemonsets --delete-emptydir-data -- '{hostile}'")),
        "{commands:?}"
    );
    assert!(root.query_selector("img").unwrap().is_none());
    assert_eq!(find_all(&root, ".step .copy-command").len(), commands.len());

    // A pre-flight tick survives a reload, as a step's does.
    find::<HtmlElement>(&root, ".preflight-check input[type=checkbox]").click();
    settle().await;
    assert_eq!(find_all(&root, ".preflight-check.done").len(), 1);
    let reloaded = mount().await;
    wait_until("the reloaded pre-flight list", || !find_all(&reloaded, ".preflight-check").is_empty()).await;
    let ticked: Vec<bool> = find_all(&reloaded, ".preflight-check input[type=checkbox]")
        .into_iter()
        .map(|input| input.dyn_into::<HtmlInputElement>().unwrap().checked())
        .collect();
    assert_eq!(ticked.iter().filter(|&&on| on).count(), 1, "{ticked:?}");
    assert!(ticked[0]);
}

/// A pasted `kubectl get nodes -o json` is offered for conversion; the
/// description it becomes plans, what was read is listed, and the JSON can
/// be put back.
#[wasm_bindgen_test]
async fn pasted_node_inventory_converts_into_a_description_and_back() {
    forget_everything();
    let root = mount().await;
    let nodes = include_str!("../../../tests/import/kubeadm-3-control-plane-3-workers.json");
    type_text(&root, nodes).await;
    wait_until("the offer to convert", || root.query_selector(".inventory-offer button").unwrap().is_some()).await;
    let offer = texts(&root, ".inventory-offer p");
    assert_eq!(offer, ["This is a Kubernetes node list (kubectl get nodes -o json), not a description."]);
    find::<HtmlElement>(&root, ".inventory-offer button").click();
    wait_until("the imported description's plan", || !checkboxes(&root).is_empty()).await;
    assert!(textarea(&root).value().contains("platform: kubernetes"));
    assert!(find_all(&root, ".inventory-nodes tbody tr").is_empty(), "made when opened");
    find::<HtmlElement>(&root, ".inventory-nodes summary").click();
    wait_until("the table of what was read", || find_all(&root, ".inventory-nodes tbody tr").len() == 6).await;
    let warnings = texts(&root, ".inventory-warnings li");
    assert!(warnings.iter().any(|w| w.starts_with("node `worker-3` is not Ready")), "{warnings:?}");
    assert!(
        texts(&root, ".step code.command")
            .iter()
            .any(|c| c == "kubectl drain --ignore-daemonsets --delete-emptydir-data -- cp1")
    );
    let back = find_all(&root, ".inventory-read button")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some("Back to the JSON"))
        .unwrap();
    back.dyn_into::<HtmlElement>().unwrap().click();
    wait_until("the JSON back in the editor", || textarea(&root).value() == nodes).await;
}

/// A node list too long to show, pasted over a description of the user's:
/// taken from the paste (the textarea never holds it), offered, never saved
/// as the description, and the description it replaced can be put back.
#[wasm_bindgen_test]
async fn a_pasted_node_list_too_long_to_show_is_held_and_not_saved() {
    forget_everything();
    let root = mount().await;
    wait_until("the seed's plan", || !checkboxes(&root).is_empty()).await;
    let mine = example("exchange-four-node.yaml").text.replace("cluster: ", "cluster: MINE-");
    type_text(&root, &mine).await;
    wait_until("the description saved", || saved_text().as_deref() == Some(mine.as_str())).await;
    let nodes = include_str!("../../../tests/import/kubeadm-3-control-plane-3-workers.json");
    let long = format!("{nodes}{}", " ".repeat(300 * 1024));
    let data = web_sys::DataTransfer::new().unwrap();
    data.set_data("text/plain", &long).unwrap();
    let init = web_sys::ClipboardEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_clipboard_data(Some(&data));
    let paste = web_sys::ClipboardEvent::new_with_event_init_dict("paste", &init).unwrap();
    assert!(!textarea(&root).dispatch_event(&paste).unwrap(), "the page takes the paste");
    wait_until("the offer to convert", || root.query_selector(".inventory-offer button").unwrap().is_some()).await;
    assert!(root.query_selector("#description").unwrap().is_none(), "no textarea holds the list");
    let held = texts(&root, "#description-held p");
    assert!(held[0].starts_with("The editor holds 344 KB of JSON that looks like a node list"), "{held:?}");
    assert_eq!(saved_text().as_deref(), Some(mine.as_str()), "the list is not saved over the description");
    let put_back = find_all(&root, ".inventory-offer button")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some("Put back the text it replaced"))
        .expect("a way back to the description");
    put_back.dyn_into::<HtmlElement>().unwrap().click();
    wait_until("the description back", || {
        root.query_selector("#description").unwrap().is_some() && textarea(&root).value() == mine
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_plan_in_waves_groups_each_waves_steps_and_columns() {
    forget_everything();
    let root = mount().await;
    pick_example(&root, "hyperv-16-node-waves.yaml").await;
    wait_until("the plan is shown", || !checkboxes(&root).is_empty()).await;
    // Each wave of several nodes is headed once, naming its nodes.
    let headings = texts(&root, ".checklist .wave-heading");
    assert!(headings.len() >= 2, "{headings:?}");
    assert!(
        headings
            .iter()
            .all(|heading| heading.starts_with("Wave ") && heading.ends_with("these may be done in parallel")),
        "{headings:?}"
    );
    assert!(headings[0].contains("HV"), "{headings:?}");
    // Its steps are marked with it; the heading is on the wave's first step.
    let first = find::<Element>(&root, ".checklist .step.wave-first");
    let wave = first.get_attribute("data-wave").expect("a wave number");
    assert!(headings[0].starts_with(&format!("Wave {wave}:")), "{headings:?} against wave {wave}");
    let in_wave = find_all(&root, &format!(".checklist .step.in-wave[data-wave=\"{wave}\"]"));
    assert!(in_wave.len() > 4, "a wave of several nodes has their drains, pauses, upgrades and resumes");
    // The timeline groups the wave's columns and names it where it starts
    // (a long timeline renders the columns near the view: the first wave's).
    let labels = texts(&root, ".timeline-grid .column-wave");
    assert_eq!(labels.first().map(String::as_str), Some(format!("wave {wave}").as_str()), "{labels:?}");
    let grouped = find_all(
        &root,
        &format!(
            ".timeline-grid th.step-column.wave-{}",
            if wave.parse::<usize>().unwrap() % 2 == 0 { "even" } else { "odd" }
        ),
    );
    assert!(grouped.len() > 4, "the wave's columns are shaded as one group");
    // The summary gives the wall clock and the work behind it.
    let note = texts(&root, ".plan-summary .figure-note");
    assert_eq!(note.len(), 1, "{note:?}");
    assert!(note[0].starts_with("in ") && note[0].ends_with(" of work"), "{note:?}");
}

#[wasm_bindgen_test]
async fn a_plan_in_maintenance_windows_heads_each_and_says_how_it_leaves_the_cluster() {
    forget_everything();
    let root = mount().await;
    pick_example(&root, "sql-cluster-two-windows.yaml").await;
    wait_until("the plan is shown", || !checkboxes(&root).is_empty()).await;
    let headings = texts(&root, ".checklist .window-heading");
    assert_eq!(headings.len(), 2, "{headings:?}");
    assert!(headings[0].starts_with("Window 1 of 2: steps 1 to "), "{headings:?}");
    let ends = texts(&root, ".checklist .window-end");
    assert_eq!(ends.len(), 2, "{ends:?}");
    assert!(ends[0].starts_with("End of window 1, until window 2") && ends[0].contains("run windows 2019"), "{ends:?}");
    assert!(ends[1].contains("the upgrade is done"), "{ends:?}");
    // The window's last step carries its end; the next one's first step its heading.
    let last = find::<Element>(&root, ".checklist .step.window-last");
    let next = last.next_element_sibling().expect("a step after the first window");
    assert!(next.class_list().contains("window-first"));
    assert_eq!(texts(&root, ".plan-summary .windows-figure dd"), ["2"]);
}
