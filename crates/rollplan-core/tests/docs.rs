//! Keeps the documentation honest: `docs/format.md`, `docs/diagnostics.md`,
//! `docs/plan-format.md` and `docs/rollplan.schema.json` are read at run time
//! and compared with what the code does.
//!
//! - every diagnostic code has a section in `diagnostics.md`, in `Code::ALL`
//!   order, with its severity, and every example there is the test case it
//!   names, with the messages and the closing summary line it really
//!   produces;
//! - the fields of format 1 are those the reader accepts (asked of the reader
//!   itself, through its "known fields here" hint), and `format.md` and the
//!   schema list exactly those, with the reader's required fields, defaults,
//!   choices and minimums;
//! - the schema is valid JSON Schema and accepts exactly the descriptions the
//!   reader reads without a shape error (every example, every test case, and
//!   a few probes);
//! - `format.md` says what becomes of a `format` other than 1, and that
//!   `$schema` is ignored;
//! - the JSON, text and Markdown examples in `plan-format.md` are real output,
//!   and the fields it says are always there are.
//!
//! When one fails after an intended change, update the document (its examples
//! are copied from `rollplan validate` and `rollplan plan` output).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rollplan_core::diagnostic::Sink;
use rollplan_core::model::Quorum;
use rollplan_core::report::{Document, blocked_text, plan_markdown, plan_text};
use rollplan_core::syntax::{Tree, Value};
use rollplan_core::{Code, Diagnostic, Severity, Syntax, analyze, validate_as};
use serde_json::{Map, Value as Json, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &str) -> String {
    let full = root().join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
}

fn syntax_of(path: &str) -> Syntax {
    Syntax::from_path(path).unwrap_or_else(|| panic!("{path} has no description extension"))
}

/// Description files in a folder of the repository, as repository-relative paths.
fn descriptions(folder: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join(folder))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| Syntax::from_path(name).is_some())
        .map(|name| format!("{folder}/{name}"))
        .collect();
    files.sort();
    files
}

// ---------------------------------------------------------------------------
// A little Markdown: headings, text lines and fenced blocks, in order.

#[derive(Debug)]
enum Item {
    Heading { level: usize, title: String },
    Line(String),
    Fence { lang: String, body: String },
}

fn parse_markdown(markdown: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut fence: Option<(String, String)> = None;
    for line in markdown.lines() {
        if let Some((lang, body)) = &mut fence {
            if line.starts_with("```") {
                items.push(Item::Fence { lang: std::mem::take(lang), body: std::mem::take(body) });
                fence = None;
            } else {
                body.push_str(line);
                body.push('\n');
            }
        } else if let Some(lang) = line.strip_prefix("```") {
            fence = Some((lang.trim().to_owned(), String::new()));
        } else if line.starts_with('#') {
            let level = line.chars().take_while(|&c| c == '#').count();
            items.push(Item::Heading { level, title: line[level..].trim().to_owned() });
        } else {
            items.push(Item::Line(line.to_owned()));
        }
    }
    assert!(fence.is_none(), "a fenced block is not closed");
    items
}

/// The items under the heading titled `title`, up to the next heading of the same or a higher level.
fn section<'i>(items: &'i [Item], title: &str) -> &'i [Item] {
    let (start, level) = items
        .iter()
        .enumerate()
        .find_map(|(i, item)| match item {
            Item::Heading { level, title: t } if t == title => Some((i, *level)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no heading `{title}`"));
    let end = items[start + 1..]
        .iter()
        .position(|item| matches!(item, Item::Heading { level: l, .. } if *l <= level))
        .map_or(items.len(), |offset| start + 1 + offset);
    &items[start + 1..end]
}

/// The rows (cells trimmed, header and separator left out) of every table in `items`.
fn tables(items: &[Item]) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    let mut current: Vec<Vec<String>> = Vec::new();
    for item in items {
        match item {
            Item::Line(line) if line.starts_with('|') => {
                let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
                current.push(inner.split('|').map(|cell| cell.trim().to_owned()).collect());
            }
            _ if !current.is_empty() => tables.push(std::mem::take(&mut current).split_off(2)),
            _ => {}
        }
    }
    if !current.is_empty() {
        tables.push(current.split_off(2));
    }
    tables
}

/// The `code spans` of a line of Markdown.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The names in the first column of a table.
fn first_column(table: &[Vec<String>]) -> Vec<String> {
    table.iter().flat_map(|row| code_spans(&row[0]).into_iter().map(str::to_owned).collect::<Vec<_>>()).collect()
}

/// Every "Example (`path`...)" line in `items`, with the fenced blocks that
/// follow it, up to the next example or heading.
fn examples(items: &[Item]) -> Vec<(String, Vec<(&str, &str)>)> {
    let mut examples: Vec<(String, Vec<(&str, &str)>)> = Vec::new();
    let mut open = false;
    for item in items {
        match item {
            Item::Line(line) if line.starts_with("Example (`") => {
                examples.push((code_spans(line)[0].to_owned(), Vec::new()));
                open = true;
            }
            Item::Fence { lang, body } if open => examples.last_mut().unwrap().1.push((lang.as_str(), body.as_str())),
            Item::Heading { .. } => open = false,
            Item::Line(_) | Item::Fence { .. } => {}
        }
    }
    for (path, blocks) in &examples {
        assert!(!blocks.is_empty(), "the example of {path} has no block");
    }
    examples
}

// ---------------------------------------------------------------------------
// The fields of format 1.

/// One kind of mapping in a description.
struct Object {
    /// Its heading in `docs/format.md`.
    heading: &'static str,
    /// Where its schema is in `docs/rollplan.schema.json` (a JSON pointer).
    schema: &'static str,
    /// Where one is in [`full_description`] (a JSON pointer)...
    instance: &'static str,
    /// ...and the path diagnostics give it.
    path: &'static str,
    /// Every field the reader accepts, in the reader's order (`crates/rollplan-core/src/read.rs`).
    fields: &'static [&'static str],
    /// The fields whose absence is an error.
    required: &'static [&'static str],
    /// Fields [`full_description`] leaves out because another one it sets
    /// excludes them (a skew rule is a spread or a rule against another component).
    exclusive: &'static [&'static str],
}

const OBJECTS: &[Object] = &[
    Object {
        heading: "Top level fields",
        schema: "",
        instance: "",
        path: "",
        fields: &["format", "cluster", "platform", "components", "nodes", "services", "policy", "skew", "$schema"],
        required: &["format", "components", "nodes"],
        exclusive: &[],
    },
    Object {
        heading: "Component fields",
        schema: "/properties/components/additionalProperties",
        instance: "/components/exchange",
        path: "components.exchange",
        fields: &[
            "title",
            "releases",
            "target",
            "rolling",
            "mixed_failover",
            "reboot",
            "minutes",
            "reversible",
            "finalize",
            "path",
            "stops",
        ],
        required: &["target"],
        exclusive: &[],
    },
    Object {
        heading: "Finalize fields",
        schema: "/properties/components/additionalProperties/properties/finalize",
        instance: "/components/exchange/finalize",
        path: "components.exchange.finalize",
        fields: &["title", "minutes", "soak_minutes"],
        required: &["title"],
        exclusive: &[],
    },
    Object {
        heading: "Node fields",
        schema: "/properties/nodes/items",
        instance: "/nodes/0",
        path: "nodes[0]",
        fields: &["name", "versions", "capacity", "role"],
        required: &["name"],
        exclusive: &[],
    },
    Object {
        heading: "Service fields",
        schema: "/properties/services/items",
        instance: "/services/0",
        path: "services[0]",
        fields: &["name", "on", "owners", "uses", "replicas", "min_available"],
        required: &["name", "on"],
        exclusive: &["replicas", "min_available"],
    },
    Object {
        heading: "Policy fields",
        schema: "/properties/policy",
        instance: "/policy",
        path: "policy",
        fields: &["max_down", "quorum", "quorum_role", "failback", "allow_outage", "order", "window_minutes"],
        required: &[],
        exclusive: &[],
    },
    Object {
        heading: "Skew rule fields",
        schema: "/properties/skew/items",
        instance: "/skew/0",
        path: "skew[0]",
        fields: &["component", "max_spread", "against", "max_newer", "max_older", "scope", "level"],
        required: &["component"],
        exclusive: &["against", "max_newer", "max_older", "scope"],
    },
];

/// A valid description that sets every field of format 1.
fn full_description() -> Json {
    json!({
        "$schema": "../docs/rollplan.schema.json",
        "format": 1,
        "cluster": "DOCS",
        "platform": "wsfc",
        "components": {
            "exchange": {
                "title": "Exchange Server 2003",
                "releases": ["RTM", "SP1", "SP2"],
                "target": "SP2",
                "rolling": true,
                "mixed_failover": "warn",
                "reboot": true,
                "minutes": 40,
                "reversible": false,
                "finalize": {"title": "Raise the organisation's functional level", "minutes": 10, "soak_minutes": 60},
                "path": "direct",
                "stops": []
            },
            "windows": {"releases": ["2019", "2022"], "target": "2022"}
        },
        "nodes": [
            {"name": "NODE1", "versions": {"exchange": "SP1", "windows": "2019"}, "capacity": 2, "role": "mailbox"},
            {"name": "NODE2", "versions": {"exchange": "SP1", "windows": "2019"}, "capacity": 2, "role": "mailbox"}
        ],
        "services": [{"name": "EVS1", "on": "NODE1", "owners": ["NODE1", "NODE2"], "uses": ["exchange"]}],
        "policy": {"max_down": 1, "quorum": "disk", "quorum_role": "mailbox", "failback": "verify", "allow_outage": false, "order": ["mailbox"], "window_minutes": 600},
        "skew": [{"component": "windows", "max_spread": 1, "level": "error"}]
    })
}

fn validate_json(description: &Json) -> Vec<Diagnostic> {
    validate_as(&description.to_string(), Syntax::Json).diagnostics
}

fn fingerprint_json(description: &Json) -> Option<String> {
    analyze(&description.to_string(), Syntax::Json).fingerprint
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() { field.to_owned() } else { format!("{path}.{field}") }
}

fn errors(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("{} {}: {}", d.code, d.path, d.message)).collect()
}

/// The description with one object changed by `edit`.
fn edited(object: &Object, edit: impl FnOnce(&mut Map<String, Json>)) -> Json {
    let mut description = full_description();
    let map = description.pointer_mut(object.instance).and_then(Json::as_object_mut).unwrap();
    edit(map);
    description
}

fn schema() -> Json {
    serde_json::from_str(&read("docs/rollplan.schema.json")).expect("docs/rollplan.schema.json is valid JSON")
}

#[test]
fn the_full_description_sets_every_field_and_is_valid() {
    let description = full_description();
    for object in OBJECTS {
        let map = description.pointer(object.instance).and_then(Json::as_object).unwrap();
        let keys: BTreeSet<&str> = map.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            object.fields.iter().copied().filter(|field| !object.exclusive.contains(field)).collect(),
            "the full description must set every field of {}",
            object.heading
        );
    }
    let diagnostics = validate_json(&description);
    assert!(errors(&diagnostics).is_empty(), "{:?}", errors(&diagnostics));
}

#[test]
fn schema_field_is_ignored() {
    // docs/format.md: `$schema` is accepted with any value and changes neither the plan nor the fingerprint.
    let top = &OBJECTS[0];
    let with = fingerprint_json(&full_description());
    assert!(with.is_some());
    let without = fingerprint_json(&edited(top, |map| drop(map.remove("$schema"))));
    assert_eq!(with, without, "`$schema` changes the fingerprint");
    for value in [json!("https://example.com/rollplan.schema.json"), json!(""), json!(42), Json::Null] {
        let description = edited(top, |map| drop(map.insert("$schema".to_owned(), value.clone())));
        let diagnostics = validate_json(&description);
        assert!(
            diagnostics.iter().all(|d| !d.path.starts_with('$')),
            "`$schema: {value}` is reported: {diagnostics:?}"
        );
        assert_eq!(fingerprint_json(&description), with, "`$schema: {value}` changes the fingerprint");
    }
}

#[test]
fn format_md_says_what_a_wrong_format_is() {
    // docs/format.md and docs/diagnostics.md: another whole number is
    // unsupported-format, anything else wrong-type, and nothing else is checked.
    let top = &OBJECTS[0];
    for (format, code) in [
        (json!(2), Code::UnsupportedFormat),
        (json!(0), Code::UnsupportedFormat),
        (json!("1"), Code::WrongType),
        (json!(1.0), Code::WrongType),
        (json!(true), Code::WrongType),
    ] {
        let mut description = edited(top, |map| drop(map.insert("format".to_owned(), format.clone())));
        // A mistake elsewhere that is not reported, since nothing else is checked.
        description["nodes"][0]["capacity"] = json!("one");
        let diagnostics = validate_json(&description);
        let found: Vec<(Code, &str)> = diagnostics.iter().map(|d| (d.code, d.path.as_str())).collect();
        assert_eq!(found, [(code, "format")], "`format: {format}`");
    }
    let items = parse_markdown(&read("docs/format.md"));
    let paragraph: Vec<&str> = section(&items, "Top level fields")
        .iter()
        .filter_map(|item| match item {
            Item::Line(line) => Some(line.as_str()),
            _ => None,
        })
        .skip_while(|line| !line.starts_with("**`format`**"))
        .take_while(|line| !line.is_empty())
        .collect();
    let paragraph = paragraph.join(" ");
    for code in ["`missing-format`", "`unsupported-format`", "`wrong-type`"] {
        assert!(
            paragraph.contains(code),
            "docs/format.md: the paragraph on `format` does not name {code}: {paragraph:?}"
        );
    }
}

#[test]
fn the_field_lists_are_the_readers() {
    for object in OBJECTS {
        // Asked of the reader itself: an unknown key is answered with the known ones.
        let description = edited(object, |map| {
            map.insert("zqxv".to_owned(), json!(1));
        });
        let diagnostics = validate_json(&description);
        let unknown = diagnostics
            .iter()
            .find(|d| d.code == Code::UnknownField && d.path == join(object.path, "zqxv"))
            .unwrap_or_else(|| panic!("no unknown-field for {}: {diagnostics:?}", object.heading));
        let hint = unknown.hint.as_deref().unwrap_or_default();
        let known: Vec<&str> = hint
            .strip_prefix("known fields here: ")
            .unwrap_or_else(|| panic!("unexpected hint {hint:?}"))
            .split(", ")
            .collect();
        assert_eq!(known, object.fields, "the fields the reader accepts in {}", object.heading);

        // Required: leaving the field out is reported as missing.
        for field in object.fields {
            let description = edited(object, |map| {
                map.remove(*field);
            });
            let path = join(object.path, field);
            let missing = validate_json(&description)
                .iter()
                .any(|d| matches!(d.code, Code::MissingField | Code::MissingFormat) && d.path == path);
            assert_eq!(missing, object.required.contains(field), "is `{path}` required?");
        }
    }
}

#[test]
fn format_md_documents_every_field() {
    let markdown = read("docs/format.md");
    let items = parse_markdown(&markdown);
    for object in OBJECTS {
        let section = section(&items, object.heading);
        let table = &tables(section)[0];
        let documented = first_column(table);
        assert_eq!(documented, object.fields, "the table under `## {}` in docs/format.md", object.heading);
        for row in table {
            let field = code_spans(&row[0])[0];
            assert_eq!(row.len(), 5, "`{field}`: the columns are Field, Type, Required, Default, Meaning");
            let required = row[2].starts_with("yes");
            assert_eq!(required, object.required.contains(&field), "docs/format.md: is `{field}` required?");
            assert!(!row[4].is_empty(), "docs/format.md: `{field}` has no meaning");
        }
    }
}

#[test]
fn format_md_shows_the_seed_in_every_syntax_and_its_descriptions_are_valid() {
    let markdown = read("docs/format.md");
    for (path, lang) in [
        ("tests/examples/exchange-2003-two-node.yaml", "yaml"),
        ("tests/cases/seed.toml", "toml"),
        ("tests/cases/seed.json", "json"),
    ] {
        let text = read(path);
        assert!(markdown.contains(&format!("```{lang}\n{text}```")), "docs/format.md must show {path} as it is");
    }
    let validator = jsonschema::draft202012::new(&schema()).unwrap();
    let mut complete = 0;
    for item in parse_markdown(&markdown) {
        let Item::Fence { lang, body } = item else { continue };
        let syntax = match lang.as_str() {
            "yaml" => Syntax::Yaml,
            "toml" => Syntax::Toml,
            "json" => Syntax::Json,
            _ => continue,
        };
        // Complete descriptions, not fragments or editor settings.
        if !(body.contains("format") && body.contains("nodes")) {
            continue;
        }
        complete += 1;
        let diagnostics = validate_as(&body, syntax).diagnostics;
        assert!(
            errors(&diagnostics).is_empty(),
            "an example in docs/format.md has errors: {:?}\n{body}",
            errors(&diagnostics)
        );
        let instance = tree(&body, syntax).unwrap();
        assert!(validator.is_valid(&instance), "the schema rejects an example in docs/format.md:\n{body}");
    }
    assert!(complete >= 4, "docs/format.md shows the seed in three syntaxes and a minimal description");
}

#[test]
fn format_md_quorum_table_matches_the_rules() {
    let items = parse_markdown(&read("docs/format.md"));
    let table = &tables(section(&items, "Policy fields"))[1];
    assert_eq!(first_column(table).len(), 4, "one row per quorum rule");
    for row in table {
        let name = code_spans(&row[0])[0];
        let quorum = match name {
            "majority" => Quorum::Majority,
            "witness" => Quorum::Witness,
            "disk" => Quorum::Disk,
            "none" => Quorum::None,
            other => panic!("no quorum rule `{other}`"),
        };
        for (column, nodes) in (2..6).zip(2usize..) {
            assert_eq!(
                row[column],
                quorum.min_up(nodes).to_string(),
                "docs/format.md: fewest nodes up with {name} quorum and {nodes} nodes"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The schema.

#[test]
fn the_schema_lists_every_field_with_its_type_and_description() {
    let schema = schema();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::draft202012::meta::validate(&schema)
        .expect("docs/rollplan.schema.json is a valid draft 2020-12 schema");
    assert_eq!(schema["properties"]["format"]["const"], 1);
    let format_md = parse_markdown(&read("docs/format.md"));
    for object in OBJECTS {
        let definition = schema.pointer(object.schema).unwrap_or_else(|| panic!("no {} in the schema", object.schema));
        let properties: Vec<&str> = definition["properties"].as_object().unwrap().keys().map(String::as_str).collect();
        // Compared as sets: property order is the schema's business.
        let expected: BTreeSet<&str> = object.fields.iter().copied().collect();
        assert_eq!(properties.iter().copied().collect::<BTreeSet<_>>(), expected, "properties at {}", object.schema);
        assert_eq!(definition["additionalProperties"], false, "the reader rejects unknown fields at {}", object.schema);
        let required: BTreeSet<&str> = definition["required"]
            .as_array()
            .map(|list| list.iter().map(|v| v.as_str().unwrap()).collect())
            .unwrap_or_default();
        // A field required in the first of the schema's alternative shapes
        // (`oneOf`: a failover service's `on`, not a replicated one's) is
        // required in the shape the full description takes.
        let first_shape: BTreeSet<&str> = definition["oneOf"][0]["required"]
            .as_array()
            .map(|list| list.iter().map(|v| v.as_str().unwrap()).collect())
            .unwrap_or_default();
        let expected: BTreeSet<&str> = object.required.iter().copied().collect();
        assert!(required.is_subset(&expected), "required at {}", object.schema);
        assert!(
            expected.difference(&required).all(|field| first_shape.contains(field)),
            "required at {}: {expected:?} against {required:?} and the first shape's {first_shape:?}",
            object.schema
        );
        assert!(definition["description"].as_str().is_some_and(|d| !d.is_empty()) || object.schema.is_empty());

        let table = &tables(section(&format_md, object.heading))[0];
        for field in object.fields {
            let property = &definition["properties"][field];
            assert!(
                property["description"].as_str().is_some_and(|d| d.len() > 10),
                "{}/{field} has no description",
                object.schema
            );
            // The default in the schema is the reader's: leaving the field out
            // or writing the default gives the same normalised cluster.
            if let Some(default) = property.get("default") {
                let absent = fingerprint_json(&edited(object, |map| {
                    map.remove(*field);
                }));
                let written = fingerprint_json(&edited(object, |map| {
                    map.insert((*field).to_owned(), default.clone());
                }));
                assert!(absent.is_some(), "{field}: the description without it should be valid");
                assert_eq!(absent, written, "the schema's default of `{field}` ({default}) is not the reader's");
                let row = table.iter().find(|row| code_spans(&row[0]) == [*field]).unwrap();
                let shown = match default {
                    Json::String(text) => Some(format!("`{text}`")),
                    Json::Bool(_) | Json::Number(_) => Some(format!("`{default}`")),
                    _ => None,
                };
                if let Some(shown) = shown {
                    assert!(
                        row[3].contains(&shown),
                        "docs/format.md gives `{field}` the default {:?}, the schema {shown}",
                        row[3]
                    );
                }
            }
            // Choices: the reader names them when given a wrong one.
            if let Some(choices) = property.get("enum") {
                let diagnostics = validate_json(&edited(object, |map| {
                    map.insert((*field).to_owned(), json!("zqxv"));
                }));
                let message = &diagnostics
                    .iter()
                    .find(|d| d.code == Code::InvalidValue)
                    .unwrap_or_else(|| panic!("{diagnostics:?}"))
                    .message;
                let listed =
                    message.split("must be one of ").nth(1).and_then(|rest| rest.split(", not").next()).unwrap();
                let schema_choices: Vec<&str> =
                    choices.as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
                assert_eq!(listed.split(", ").collect::<Vec<_>>(), schema_choices, "the choices of `{field}`");
                let row = table.iter().find(|row| code_spans(&row[0]) == [*field]).unwrap();
                assert_eq!(code_spans(&row[1]), schema_choices, "docs/format.md: the choices of `{field}`");
            }
            // Counts: the minimum is the reader's.
            if property["type"] == "integer" && *field != "format" {
                let minimum = property["minimum"].as_i64().unwrap_or_else(|| panic!("`{field}` has no minimum"));
                let below = validate_json(&edited(object, |map| {
                    map.insert((*field).to_owned(), json!(minimum - 1));
                }));
                assert!(
                    below
                        .iter()
                        .any(|d| d.code == Code::InvalidValue
                            && d.message.contains(&format!("must be at least {minimum},"))),
                    "the reader's minimum of `{field}` is not {minimum}: {below:?}"
                );
                let at = validate_json(&edited(object, |map| {
                    map.insert((*field).to_owned(), json!(minimum));
                }));
                let refused = at.iter().any(|d| {
                    d.path == join(object.path, field) && matches!(d.code, Code::InvalidValue | Code::WrongType)
                });
                assert!(!refused, "`{field}: {minimum}` should be read: {at:?}");
                assert_eq!(property["maximum"], u32::MAX, "`{field}` is read as a 32-bit count");
            }
        }
    }
}

/// The keywords the schema may use: those of draft 4 (which Taplo implements)
/// and `const`, as docs/format.md promises.
const KEYWORDS: &[&str] = &[
    "$schema",
    "title",
    "description",
    "type",
    "properties",
    "additionalProperties",
    "required",
    "items",
    "enum",
    "const",
    "default",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "not",
    "anyOf",
    "oneOf",
];

/// Every keyword used in a schema, at any depth.
fn keywords(schema: &Json, out: &mut BTreeSet<String>) {
    let Some(map) = schema.as_object() else { return };
    for (key, value) in map {
        out.insert(key.clone());
        match key.as_str() {
            "properties" => value.as_object().unwrap().values().for_each(|property| keywords(property, out)),
            "additionalProperties" | "items" => keywords(value, out),
            _ => {}
        }
    }
}

#[test]
fn the_schema_uses_only_portable_keywords() {
    let mut used = BTreeSet::new();
    keywords(&schema(), &mut used);
    let unexpected: Vec<&String> = used.iter().filter(|k| !KEYWORDS.contains(&k.as_str())).collect();
    assert!(
        unexpected.is_empty(),
        "docs/rollplan.schema.json uses {unexpected:?}; docs/format.md says it sticks to draft 4 keywords and `const`"
    );
}

/// Codes the schema can see: shape errors. The others are about names,
/// references and the cluster's situation, which a schema cannot check.
const SHAPE: &[Code] = &[
    Code::MissingFormat,
    Code::UnsupportedFormat,
    Code::UnknownField,
    Code::WrongType,
    Code::InvalidValue,
    Code::MissingField,
    Code::ConflictingFields,
    Code::NoNodes,
    Code::InputTooLarge,
];

/// The description as the JSON an editor's schema validator sees, read with
/// rollplan's own parsers (a duplicate key keeps its first value, as the
/// reader does); `None` when the text does not parse.
fn tree(text: &str, syntax: Syntax) -> Option<Json> {
    let mut sink = Sink::new(text);
    rollplan_core::syntax::parse(text, syntax, &mut sink).map(|node| to_json(&node))
}

fn to_json(node: &Tree<'_>) -> Json {
    match &node.value {
        // Aliases and dates: no field takes them, like null.
        Value::Null | Value::Other(_) => Json::Null,
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Integer(Some(number), _) => json!(number),
        Value::Integer(None, text) | Value::Float(text) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Json::String(text.to_string()), Json::Number),
        Value::String(text) => Json::String(text.to_string()),
        Value::Sequence(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Mapping(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                map.entry(key.name.to_string()).or_insert_with(|| to_json(value));
            }
            Json::Object(map)
        }
    }
}

/// Checks that the schema accepts `text` exactly when the reader finds no shape error in it.
fn agrees(validators: &[(&str, &jsonschema::Validator)], name: &str, text: &str, syntax: Syntax) -> Option<bool> {
    let instance = tree(text, syntax)?;
    let diagnostics = validate_as(text, syntax).diagnostics;
    let shape: Vec<String> =
        diagnostics.iter().filter(|d| SHAPE.contains(&d.code)).map(|d| format!("{} {}", d.code, d.path)).collect();
    for (draft, validator) in validators {
        let complaints: Vec<String> =
            validator.iter_errors(&instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert_eq!(
            complaints.is_empty(),
            shape.is_empty(),
            "{name}: the schema ({draft}) and the reader disagree.\nreader's shape errors: {shape:?}\nschema's complaints: {complaints:?}"
        );
    }
    Some(shape.is_empty())
}

#[test]
fn the_schema_accepts_exactly_what_the_reader_reads() {
    let schema = schema();
    let draft2020 = jsonschema::draft202012::new(&schema).unwrap();
    // Editors may read the schema as an older draft: it means the same there.
    let draft7 = jsonschema::draft7::new(&schema).unwrap();
    let validators = [("draft 2020-12", &draft2020), ("draft 7", &draft7)];

    let examples = descriptions("tests/examples");
    assert!(examples.len() >= 4);
    for path in examples.iter().chain(&["tests/cases/seed.json".to_owned(), "tests/cases/seed.toml".to_owned()]) {
        let accepted = agrees(&validators, path, &read(path), syntax_of(path));
        assert_eq!(accepted, Some(true), "{path} must be accepted by the schema");
    }
    let mut rejected = 0;
    for path in descriptions("tests/cases") {
        if agrees(&validators, &path, &read(&path), syntax_of(&path)) == Some(false) {
            rejected += 1;
        }
    }
    assert!(rejected >= 8, "the cases with shape errors are rejected by the schema too ({rejected})");

    // Probes: one change each to a valid description.
    let probes: Vec<(&str, Json)> = vec![
        (
            "a number as text",
            json!({"format": 1, "cluster": 42, "components": {"scanmail": {"target": 7.0, "releases": [6.5, 7.0]}}, "nodes": [{"name": 1, "versions": {"scanmail": 6.5}}]}),
        ),
        ("no services, no policy, no versions", json!({"format": 1, "components": {}, "nodes": [{"name": "A"}]})),
        ("uses nothing", edited(&OBJECTS[3], |map| drop(map.insert("uses".to_owned(), json!([]))))),
        ("blank name", edited(&OBJECTS[2], |map| drop(map.insert("name".to_owned(), json!("  "))))),
        ("control character", edited(&OBJECTS[2], |map| drop(map.insert("name".to_owned(), json!("NODE\u{1}"))))),
        ("format as text", edited(&OBJECTS[0], |map| drop(map.insert("format".to_owned(), json!("1"))))),
        ("format 2", edited(&OBJECTS[0], |map| drop(map.insert("format".to_owned(), json!(2))))),
        ("negative capacity", edited(&OBJECTS[2], |map| drop(map.insert("capacity".to_owned(), json!(-1))))),
        (
            "capacity over u32",
            edited(&OBJECTS[2], |map| drop(map.insert("capacity".to_owned(), json!(4_294_967_296_u64)))),
        ),
        ("no owners", edited(&OBJECTS[3], |map| drop(map.insert("owners".to_owned(), json!([]))))),
        ("capitalised choice", edited(&OBJECTS[4], |map| drop(map.insert("quorum".to_owned(), json!("Majority"))))),
        ("null services", edited(&OBJECTS[0], |map| drop(map.insert("services".to_owned(), Json::Null)))),
        ("no nodes", edited(&OBJECTS[0], |map| drop(map.insert("nodes".to_owned(), json!([]))))),
        ("a list of versions", edited(&OBJECTS[2], |map| drop(map.insert("versions".to_owned(), json!(["SP1"]))))),
        ("too many nodes", {
            let nodes: Vec<Json> = (0..=rollplan_core::MAX_NODES).map(|i| json!({"name": format!("N{i}")})).collect();
            json!({"format": 1, "components": {}, "nodes": nodes})
        }),
    ];
    for (name, description) in probes {
        assert!(agrees(&validators, name, &description.to_string(), Syntax::Json).is_some(), "{name} must parse");
    }
}

// ---------------------------------------------------------------------------
// docs/diagnostics.md

fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics.iter().filter(|d| d.severity == severity).count()
}

/// The closing line of `rollplan validate` for one file (`summary` in
/// `crates/rollplan-cli/src/render.rs`): errors and warnings, then notes (info) if any.
fn summary_line(diagnostics: &[Diagnostic]) -> String {
    let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    let (errors, warnings, notes) = (
        count(diagnostics, Severity::Error),
        count(diagnostics, Severity::Warning),
        count(diagnostics, Severity::Info),
    );
    let notes = if notes == 0 { String::new() } else { format!(" ({})", plural(notes, "note")) };
    if errors == 0 && warnings == 0 {
        format!("1 file checked: no problems found{notes}")
    } else {
        format!("1 file checked: {}, {}{notes}", plural(errors, "error"), plural(warnings, "warning"))
    }
}

#[test]
fn diagnostics_md_has_a_section_per_code_in_order() {
    let items = parse_markdown(&read("docs/diagnostics.md"));
    let known: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
    let mut documented = Vec::new();
    for item in &items {
        let Item::Heading { title, .. } = item else { continue };
        // No heading names a code that does not exist.
        for span in code_spans(title) {
            if span.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                assert!(known.contains(&span), "docs/diagnostics.md has a heading for `{span}`, which is not a code");
            }
        }
        if let [code] = code_spans(title)[..]
            && title == &format!("`{code}`")
        {
            documented.push(code.to_owned());
        }
    }
    assert_eq!(documented, known, "docs/diagnostics.md: one `## `code`` heading per code, in Code::ALL order");

    // The summary table lists them too, with their severities.
    let table = &tables(&items)[0];
    let rows: Vec<(String, String)> =
        table.iter().map(|row| (code_spans(&row[0])[0].to_owned(), row[1].clone())).collect();
    let expected: Vec<(String, String)> =
        Code::ALL.iter().map(|c| (c.as_str().to_owned(), c.severity().as_str().to_owned())).collect();
    assert_eq!(rows, expected, "the table at the top of docs/diagnostics.md");
}

#[test]
fn diagnostics_md_examples_are_the_cases_and_their_real_output() {
    let items = parse_markdown(&read("docs/diagnostics.md"));
    for code in Code::ALL {
        let section = section(&items, &format!("`{code}`"));
        let severity = format!("**Severity:** {}", code.severity().as_str());
        assert!(
            section.iter().any(|item| matches!(item, Item::Line(line) if *line == severity)),
            "`{code}`: no `{severity}` line"
        );
        assert!(
            section.iter().any(|item| matches!(item, Item::Line(line) if line.starts_with("**How to fix it:**"))),
            "`{code}`: no fix"
        );

        let examples = examples(section);
        if *code == Code::InputTooLarge {
            // Inputs this large are not committed: tests/diagnostics.rs makes them.
            assert!(examples.is_empty());
            continue;
        }
        assert!(!examples.is_empty(), "`{code}` has no example in docs/diagnostics.md");
        for (path, blocks) in examples {
            let text = read(&path);
            let [(_, shown), (output_lang, output), ..] = blocks[..] else {
                panic!("{path}: an example is its file and the output")
            };
            assert_eq!(shown, text, "docs/diagnostics.md shows {path} other than it is");
            assert_eq!(output_lang, "text");
            assert!(
                output.starts_with(&format!("$ rollplan validate {path}\n")),
                "{path}: the output block starts with the command"
            );
            let validation = validate_as(&text, syntax_of(&path));
            assert!(
                validation.diagnostics.iter().any(|d| d.code == *code),
                "{path} is shown under `{code}` but does not trigger it"
            );
            for d in &validation.diagnostics {
                let mut expected = vec![
                    format!("{}[{}]: {}", d.severity.as_str(), d.code, d.message),
                    format!("--> {path}:{}:{}", d.line, d.column),
                ];
                if let Some(hint) = &d.hint {
                    expected.push(format!("= help: {hint}"));
                }
                for line in expected {
                    assert!(
                        output.contains(&line),
                        "docs/diagnostics.md, {path}: the output lacks {line:?}; copy the real output of `rollplan validate {path}`"
                    );
                }
            }
            let summary = summary_line(&validation.diagnostics);
            assert_eq!(
                output.trim_end().lines().last(),
                Some(summary.as_str()),
                "docs/diagnostics.md, {path}: the closing line"
            );
        }
    }
}

#[test]
fn diagnostics_md_json_output_is_real() {
    let items = parse_markdown(&read("docs/diagnostics.md"));
    let section = section(&items, "JSON");
    // The fields of a diagnostic.
    let documented: BTreeSet<String> = first_column(&tables(section)[0]).into_iter().collect();
    let validation = validate_as(&read("tests/cases/unknown-node.yaml"), Syntax::Yaml);
    let serialized = serde_json::to_value(&validation.diagnostics[0]).unwrap();
    let actual: BTreeSet<String> = serialized.as_object().unwrap().keys().cloned().collect();
    assert_eq!(documented, actual, "the fields of a diagnostic in docs/diagnostics.md");

    let example = section
        .iter()
        .find_map(|item| match item {
            Item::Fence { body, .. } if body.starts_with("$ rollplan validate --format json") => Some(body.as_str()),
            _ => None,
        })
        .expect("an example of --format json");
    let (_, json_text) = example.split_once('\n').unwrap();
    let document: Json = serde_json::from_str(json_text).unwrap();
    let keys: BTreeSet<&str> = document.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from(["files", "errors", "warnings", "notes"]),
        "the fields of `rollplan validate --format json`"
    );
    let files = document["files"].as_array().unwrap();
    assert!(!files.is_empty());
    let mut all = Vec::new();
    for file in files {
        let path = file["file"].as_str().unwrap();
        let validation = validate_as(&read(path), syntax_of(path));
        assert_eq!(file["diagnostics"], serde_json::to_value(&validation.diagnostics).unwrap(), "{path}");
        assert_eq!(file["valid"], !validation.has_errors(), "{path}");
        assert_eq!(file["syntax"], serde_json::to_value(validation.syntax).unwrap(), "{path}");
        all.extend(validation.diagnostics);
    }
    for (key, severity) in [("errors", Severity::Error), ("warnings", Severity::Warning), ("notes", Severity::Info)] {
        assert_eq!(document[key], count(&all, severity), "the total `{key}` in the example of --format json");
    }
    // The text above the example names the totals.
    let text: String = section
        .iter()
        .filter_map(|item| if let Item::Line(line) = item { Some(format!("{line} ")) } else { None })
        .collect();
    for key in ["`errors`", "`warnings`", "`notes`"] {
        assert!(text.contains(key), "docs/diagnostics.md, JSON: the totals include {key}");
    }
}

// ---------------------------------------------------------------------------
// docs/plan-format.md

fn plan_document(path: &str) -> Json {
    let analysis = analyze(&read(path), syntax_of(path));
    serde_json::to_value(Document::new(&analysis)).unwrap()
}

/// Every key of the objects in `value`, at any depth, as `steps[].details.minutes`.
fn key_paths(value: &Json, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Json::Object(map) => {
            for (key, child) in map {
                let path = join(prefix, key);
                out.insert(path.clone());
                key_paths(child, &path, out);
            }
        }
        Json::Array(items) => {
            for item in items {
                key_paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn plan_format_md_examples_are_real_output() {
    let items = parse_markdown(&read("docs/plan-format.md"));
    let mut shown = BTreeSet::new();
    let mut count = 0;
    for (path, blocks) in examples(&items) {
        let (lang, body) = blocks[0];
        assert_eq!(lang, "json", "{path}");
        let example: Json =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("the example of {path} is not JSON: {e}"));
        let real = plan_document(&path);
        for (key, value) in example.as_object().unwrap() {
            if key == "steps" {
                // Steps may be left out of an example, but those shown are real,
                // and an empty list says that there are none.
                let steps = value.as_array().unwrap();
                if steps.is_empty() {
                    assert_eq!(value, &real[key], "docs/plan-format.md, {path}: the real plan has steps");
                }
                for step in steps {
                    let index = step["index"].as_u64().unwrap();
                    assert_eq!(
                        step,
                        &real["steps"][usize::try_from(index).unwrap() - 1],
                        "docs/plan-format.md, {path}: step {index} differs from the real plan"
                    );
                }
            } else {
                assert_eq!(
                    value, &real[key],
                    "docs/plan-format.md, {path}: `{key}` differs from `rollplan plan --format json {path}`"
                );
            }
        }
        let real_keys: BTreeSet<&String> = real.as_object().unwrap().keys().collect();
        assert_eq!(
            example.as_object().unwrap().keys().collect::<BTreeSet<_>>(),
            real_keys,
            "{path}: the example keeps every top-level field"
        );
        key_paths(&example, "", &mut shown);
        count += 1;
    }
    assert!(count >= 3, "examples of ok, blocked and invalid");

    // Together the examples show every field the document can have.
    let mut all = BTreeSet::new();
    for path in [
        "tests/examples/exchange-2003-two-node.yaml",
        "tests/examples/exchange-2003-scanmail.yaml",
        "tests/examples/active-active-two-node.yaml",
        "tests/cases/no-spare-capacity.yaml",
        "tests/cases/unknown-node.yaml",
    ] {
        key_paths(&plan_document(path), "", &mut all);
    }
    let missing: Vec<&String> = all.iter().filter(|path| !shown.contains(*path)).collect();
    assert!(missing.is_empty(), "docs/plan-format.md's examples never show {missing:?}");
}

#[test]
fn plan_format_md_tables_list_every_field() {
    let items = parse_markdown(&read("docs/plan-format.md"));
    let mut documents = Vec::new();
    for path in [
        "tests/examples/exchange-2003-two-node.yaml",
        "tests/examples/exchange-2003-scanmail.yaml",
        "tests/examples/active-active-two-node.yaml",
        "tests/examples/exchange-2010-dag-three-copies.yaml",
        "tests/examples/elasticsearch-9-node-rolling.yaml",
        "tests/examples/sql-cluster-two-windows.yaml",
        "tests/cases/farm-16-nodes.yaml",
        "tests/cases/owners-left-out-tight.yaml",
        "tests/cases/no-spare-capacity.yaml",
        "tests/cases/unknown-node.yaml",
        "tests/cases/nothing-to-do.yaml",
        "tests/cases/wrong-type-format.json",
        "tests/cases/finalize-pending.yaml",
        "tests/cases/skew-warn.yaml",
        "tests/cases/blocked-skew.yaml",
        "tests/examples/kubernetes-1.28-to-1.30.yaml",
    ] {
        documents.push(plan_document(path));
    }
    // A plan past its limit on risk spans (reached here with a tiny limit) says where its risks stop.
    let mut cut = analyze(&read("tests/cases/farm-16-nodes.yaml"), Syntax::Yaml);
    let cluster = cut.validation.cluster.as_ref().unwrap();
    cut.outcome = Some(rollplan_core::plan::plan_with_risk_limit(cluster, 1).0);
    assert!(
        matches!(&cut.outcome, Some(rollplan_core::plan::Outcome::Planned(p)) if p.summary.risks_through_step.is_some())
    );
    documents.push(serde_json::to_value(Document::new(&cut)).unwrap());
    let outcomes: BTreeSet<&str> = documents.iter().map(|d| d["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, BTreeSet::from(["ok", "blocked", "invalid"]));
    let keys = |select: &dyn Fn(&Json) -> Vec<Json>| -> BTreeSet<String> {
        documents
            .iter()
            .flat_map(select)
            .flat_map(|object| object.as_object().unwrap().keys().cloned().collect::<Vec<_>>())
            .collect()
    };
    let steps = |d: &Json| d["steps"].as_array().cloned().unwrap_or_default();
    let expected: [(&str, BTreeSet<String>); 6] = [
        ("Top level", keys(&|d| vec![d.clone()])),
        ("Steps", keys(&steps)),
        ("Risks", keys(&|d| d["risks"].as_array().cloned().unwrap_or_default())),
        ("At the limit", keys(&|d| d["at_limit"].as_array().cloned().unwrap_or_default())),
        ("Summary", keys(&|d| d.get("summary").cloned().into_iter().collect())),
        ("Blocked", keys(&|d| d["blocked"].as_array().cloned().unwrap_or_default())),
    ];
    for (heading, fields) in expected {
        let documented: BTreeSet<String> = first_column(&tables(section(&items, heading))[0]).into_iter().collect();
        assert_eq!(documented, fields, "the table under `## {heading}` in docs/plan-format.md");
    }
    // A field "Present: always" is in every object of its kind, whatever the outcome.
    let always: [(&str, Vec<Json>); 5] = [
        ("Top level", documents.clone()),
        ("Steps", documents.iter().flat_map(steps).collect()),
        ("Risks", documents.iter().flat_map(|d| d["risks"].as_array().cloned().unwrap_or_default()).collect()),
        (
            "At the limit",
            documents.iter().flat_map(|d| d["at_limit"].as_array().cloned().unwrap_or_default()).collect(),
        ),
        ("Blocked", documents.iter().flat_map(|d| d["blocked"].as_array().cloned().unwrap_or_default()).collect()),
    ];
    for (heading, objects) in always {
        assert!(!objects.is_empty(), "no {heading} objects to check");
        for row in &tables(section(&items, heading))[0] {
            assert_eq!(row.len(), 4, "`## {heading}`: the columns are Field, Type, Present, Meaning");
            if row[2] != "always" {
                continue;
            }
            for field in code_spans(&row[0]) {
                for object in &objects {
                    assert!(
                        object.get(field).is_some(),
                        "docs/plan-format.md, `## {heading}`: `{field}` is always present, but not in {object}"
                    );
                }
            }
        }
    }
    // Every action and every kind of risk, as the plans name them.
    let actions: BTreeSet<String> =
        documents.iter().flat_map(steps).map(|s| s["action"].as_str().unwrap().to_owned()).collect();
    assert_eq!(actions.len(), 10, "the examples use every action: {actions:?}");
    let documented: BTreeSet<String> = first_column(&tables(section(&items, "Steps"))[1]).into_iter().collect();
    assert_eq!(documented, actions, "the actions in docs/plan-format.md");
    let kinds: BTreeSet<String> = documents
        .iter()
        .flat_map(|d| d["risks"].as_array().cloned().unwrap_or_default())
        .map(|r| r["kind"].as_str().unwrap().to_owned())
        .collect();
    let documented: BTreeSet<String> = first_column(&tables(section(&items, "Risks"))[1]).into_iter().collect();
    assert_eq!(documented, kinds, "the kinds of risk in docs/plan-format.md");
}

#[test]
fn plan_format_md_text_and_markdown_are_real_output() {
    let items = parse_markdown(&read("docs/plan-format.md"));
    let mut checked = 0;
    for item in section(&items, "Text and Markdown") {
        let Item::Fence { body, .. } = item else { continue };
        let Some((command, shown)) = body.split_once('\n') else { continue };
        let Some(arguments) = command.strip_prefix("$ rollplan plan ") else { continue };
        let (markdown, path) = match arguments.strip_prefix("--format markdown ") {
            Some(path) => (true, path),
            None => (false, arguments),
        };
        let analysis = analyze(&read(path), syntax_of(path));
        let cluster = analysis.validation.cluster.as_ref().unwrap();
        let real = match (analysis.plan(), analysis.blocked(), analysis.fingerprint.as_deref()) {
            (Some(plan), _, Some(fingerprint)) if markdown => plan_markdown(cluster, plan, fingerprint),
            (Some(plan), _, Some(fingerprint)) => plan_text(cluster, plan, fingerprint),
            (_, Some(reasons), _) => blocked_text(cluster, reasons),
            _ => panic!("{path} has no outcome"),
        };
        // Lines may be left out (shown as `...`), but those shown are real and in order.
        let mut real_lines = real.trim_end().lines();
        for line in shown.trim_end().lines().filter(|line| *line != "...") {
            assert!(
                real_lines.any(|real| real == line),
                "docs/plan-format.md, `{command}`: {line:?} is not in the real output, in order:\n{real}"
            );
        }
        if !shown.contains("\n...\n") {
            assert_eq!(shown.trim_end(), real.trim_end(), "docs/plan-format.md, `{command}`");
        }
        checked += 1;
    }
    assert!(checked >= 3, "text, Markdown and blocked outputs are shown");
}
