//! What the app keeps in browser storage, as versioned records, and the
//! progress file the user can export and import. Pure: no browser here (the
//! `localStorage` calls are in `hooks/storage.rs`), so all of it is tested natively.
//!
//! A stored value is a record: `{"schema":1,"revision":7,"data":…}`. The
//! description's data is its text; a plan's progress is the list of its ticked
//! steps, and beside it what those steps did ([`encode_ticked`]), so that
//! another release's plan of the same description can find them. The revision grows with every write, so that two tabs on the same
//! plan can tell whose progress is newer ([`reconcile`]).
//!
//! Values written before records existed (schema 0: the plain description, or
//! progress as `"0 3 4"`) are read as revision 0 ([`Loaded::Migrated`]);
//! anything else is [`Loaded::Unreadable`], and is kept aside under
//! [`unreadable_key`] rather than overwritten.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::rc::Rc;

use rollplan_core::Syntax;
use rollplan_core::diagnostic::Sink;
use rollplan_core::syntax::{Key, Tree, Value};

use crate::progress::{TickedStep, TickedSteps};

/// The record format written today.
pub const SCHEMA: u64 = 1;

/// A value with the revision it was written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored<T> {
    pub revision: u64,
    pub data: T,
}

/// The ticked steps of a plan.
pub type Steps = BTreeSet<usize>;

/// What was found under a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded<T> {
    /// A record of today's schema.
    Current(Stored<T>),
    /// A value of an older schema, read as revision 0: write it back as a record.
    Migrated(Stored<T>),
    /// Neither: keep the raw value aside and tell the user.
    Unreadable,
}

impl<T> Loaded<T> {
    /// The value, whether current or migrated.
    pub fn stored(self) -> Option<Stored<T>> {
        match self {
            Loaded::Current(stored) | Loaded::Migrated(stored) => Some(stored),
            Loaded::Unreadable => None,
        }
    }
}

// JSON is read with the core's strict JSON reader and written by hand below
// (its strings by serde_json's writer): serde_json's `Value` and parser cost
// 14 KB of gzipped wasm. The text written is serde_json's, byte for byte (keys
// in sorted order, as its map kept them).

/// A record, with `data` already JSON.
fn encode(revision: u64, data: &str) -> String {
    format!("{{\"data\":{data},\"revision\":{revision},\"schema\":{SCHEMA}}}")
}

/// The record of a description.
pub fn encode_text(revision: u64, text: &str) -> String {
    encode(revision, &quoted(text))
}

/// The record of a plan's ticked steps.
pub fn encode_steps(revision: u64, steps: &Steps) -> String {
    let list: Vec<String> = steps.iter().map(usize::to_string).collect();
    encode(revision, &format!("[{}]", list.join(",")))
}

/// The record of what a plan's ticked steps did:
/// `{"description":"…","steps":{"3":["<key>","<title>"],…}}` (keys in numeric order).
pub fn encode_ticked(revision: u64, ticked: &TickedSteps) -> String {
    encode(revision, &ticked_steps(ticked))
}

/// What a plan's ticked steps did, as one JSON object (with `"from"`, the
/// plan whose ticks it took over, when it did).
fn ticked_steps(ticked: &TickedSteps) -> String {
    let steps: Vec<String> = ticked
        .steps
        .iter()
        .map(|(index, step)| format!("\"{index}\":[{},{}]", quoted(&step.key), quoted(&step.title)))
        .collect();
    let from = ticked.carried_from.as_ref().map_or_else(String::new, |from| format!("\"from\":{},", quoted(from)));
    format!("{{\"description\":{},{from}\"steps\":{{{}}}}}", quoted(&ticked.description), steps.join(","))
}

/// Reads a record of what a plan's ticked steps did; `None` when it is not one.
pub fn decode_ticked(raw: &str) -> Option<Stored<TickedSteps>> {
    let Ok(Some((revision, data))) = record(raw) else {
        return None;
    };
    Some(Stored { revision, data: read_ticked_steps(&data)? })
}

/// What a plan's ticked steps did, from the object [`ticked_steps`] writes.
fn read_ticked_steps(value: &Value<'_>) -> Option<TickedSteps> {
    let Value::Mapping(fields) = value else {
        return None;
    };
    let Some(Value::String(description)) = field(fields, "description") else {
        return None;
    };
    let Some(Value::Mapping(entries)) = field(fields, "steps") else {
        return None;
    };
    let carried_from = match field(fields, "from") {
        None => None,
        Some(Value::String(from)) => Some(Rc::from(&**from)),
        Some(_) => return None,
    };
    let mut steps = BTreeMap::new();
    for (key, tree) in entries {
        let index: usize = key.name.parse().ok()?;
        let Value::Sequence(pair) = &tree.value else {
            return None;
        };
        let [Tree { value: Value::String(step_key), .. }, Tree { value: Value::String(title), .. }] = pair.as_slice()
        else {
            return None;
        };
        steps.insert(index, TickedStep { key: Rc::from(&**step_key), title: Rc::from(&**title) });
    }
    Some(TickedSteps { description: Rc::from(&**description), carried_from, steps })
}

/// `text` as a JSON string: `serde_json`'s writer, which the page has anyway
/// (the JSON export), and which copies the runs between escapes whole: a
/// saved description of megabytes is written in a few milliseconds.
fn quoted(text: &str) -> String {
    // Writing a string into a growing vector cannot fail.
    serde_json::to_string(text).unwrap_or_default()
}

/// `text` as JSON, or what is wrong with it.
fn parse_json(text: &str) -> Result<Value<'_>, String> {
    let mut sink = Sink::new(text);
    match rollplan_core::syntax::parse(text, Syntax::Json, &mut sink) {
        Some(node) => Ok(node.value),
        None => Err(sink.diagnostics.first().map_or_else(
            || "it is empty".to_owned(),
            |error| {
                let message = error.message.strip_prefix("JSON: ").unwrap_or(&error.message);
                format!("{message} (line {}, column {})", error.line, error.column)
            },
        )),
    }
}

/// The value of `name` in an object's fields (the last one, if repeated, as `serde_json` reads it).
fn field<'v, 's>(fields: &'v [(Key<'s>, Tree<'s>)], name: &str) -> Option<&'v Value<'s>> {
    fields.iter().rev().find(|(key, _)| key.name == name).map(|(_, node)| &node.value)
}

fn as_u64(value: &Value<'_>) -> Option<u64> {
    match value {
        Value::Integer(Some(n), _) => u64::try_from(*n).ok(),
        _ => None,
    }
}

/// The record in `raw`: `Ok(None)` when `raw` is not a record at all, `Err` when it is a broken one.
fn record(raw: &str) -> Result<Option<(u64, Value<'_>)>, ()> {
    let Ok(Value::Mapping(fields)) = parse_json(raw) else {
        return Ok(None);
    };
    let Some(schema) = field(&fields, "schema") else {
        return Ok(None);
    };
    if as_u64(schema) != Some(SCHEMA) {
        return Err(());
    }
    let revision = field(&fields, "revision").and_then(as_u64).ok_or(())?;
    let data = field(&fields, "data").ok_or(())?.clone();
    Ok(Some((revision, data)))
}

/// Whether `raw` starts the way a record does (a record cut short is not a description).
fn looks_like_record(raw: &str) -> bool {
    raw.trim_start().strip_prefix('{').is_some_and(|rest| rest.trim_start().starts_with("\"schema\""))
}

/// Reads a saved description.
pub fn decode_text(raw: &str) -> Loaded<String> {
    match record(raw) {
        Ok(Some((revision, Value::String(data)))) => Loaded::Current(Stored { revision, data: data.into_owned() }),
        Ok(Some(_)) | Err(()) => Loaded::Unreadable,
        Ok(None) if looks_like_record(raw) => Loaded::Unreadable,
        // Schema 0: the description as it was typed (which may well be JSON, but not a record).
        Ok(None) => Loaded::Migrated(Stored { revision: 0, data: raw.to_owned() }),
    }
}

/// Reads a plan's saved progress.
pub fn decode_steps(raw: &str) -> Loaded<Steps> {
    match record(raw) {
        Ok(Some((revision, data))) => match steps(&data) {
            Some(data) => Loaded::Current(Stored { revision, data }),
            None => Loaded::Unreadable,
        },
        // Schema 0: step numbers separated by spaces.
        Ok(None) if raw.chars().all(|c| c.is_ascii_digit() || c.is_whitespace()) => {
            match raw.split_whitespace().map(|step| step.parse().ok()).collect::<Option<Vec<usize>>>() {
                Some(list) => Loaded::Migrated(Stored { revision: 0, data: set(list) }),
                None => Loaded::Unreadable,
            }
        }
        Err(()) | Ok(None) => Loaded::Unreadable,
    }
}

/// A JSON list of step numbers.
fn steps(value: &Value<'_>) -> Option<Steps> {
    let Value::Sequence(items) = value else {
        return None;
    };
    let list: Option<Vec<usize>> =
        items.iter().map(|step| as_u64(&step.value).and_then(|step| usize::try_from(step).ok())).collect();
    list.map(set)
}

/// The set of `items`, inserted one by one: `collect()` into a `BTreeSet` or
/// `BTreeMap` sorts first, with a copy of the sort for every element type (4 KB of wasm each).
pub fn set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in items {
        set.insert(item);
    }
    set
}

/// Where the unreadable value under `key` is kept: the first `<key>-unreadable-<n>` not `taken`.
pub fn unreadable_key(key: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut n = 1_u64;
    loop {
        let candidate = format!("{key}-unreadable-{n}");
        if !taken(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

/// A three-way merge of ticks: what `ours` changed since `base`, applied to `theirs`.
pub fn merge(base: &Steps, ours: &Steps, theirs: &Steps) -> Steps {
    let mut merged = theirs.clone();
    merged.extend(ours.difference(base));
    for step in base.difference(ours) {
        merged.remove(step);
    }
    merged
}

/// What to do with a plan's progress when the app's ticks may differ from storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciled {
    /// The record to write, if storage must change.
    pub write: Option<Stored<Steps>>,
    /// The ticks the app should show instead of its own, if another tab's changes count.
    pub adopt: Option<Steps>,
    /// What storage holds afterwards: the next `base`.
    pub known: Stored<Steps>,
}

/// Reconciles the app's ticks (`ours`, last in step with storage at `base`)
/// with what storage holds now (`stored`, perhaps newer: written by another tab).
///
/// Neither side's newer changes are lost: when storage moved on since `base`,
/// our changes since `base` are merged into its ticks, and written at a higher
/// revision only if that changes anything.
pub fn reconcile(base: Option<&Stored<Steps>>, ours: &Steps, stored: Option<Stored<Steps>>) -> Reconciled {
    let empty = Steps::new();
    let base_revision = base.map_or(0, |base| base.revision);
    let base_data = base.map_or(&empty, |base| &base.data);
    match stored {
        Some(theirs) if theirs.revision > base_revision => {
            let merged = merge(base_data, ours, &theirs.data);
            let adopt = (merged != *ours).then(|| merged.clone());
            if merged == theirs.data {
                Reconciled { write: None, adopt, known: theirs }
            } else {
                let known = Stored { revision: theirs.revision + 1, data: merged };
                Reconciled { write: Some(known.clone()), adopt, known }
            }
        }
        stored => {
            let revision = stored.as_ref().map_or(base_revision, |stored| stored.revision.max(base_revision));
            if stored.as_ref().is_some_and(|stored| stored.data == *ours) || (stored.is_none() && ours.is_empty()) {
                return Reconciled { write: None, adopt: None, known: Stored { revision, data: ours.clone() } };
            }
            let known = Stored { revision: revision + 1, data: ours.clone() };
            Reconciled { write: Some(known.clone()), adopt: None, known }
        }
    }
}

/// Whether another tab's record (`incoming`) is newer than what this one knows.
pub fn is_newer(known: Option<&Stored<Steps>>, incoming: &Stored<Steps>) -> bool {
    known.is_none_or(|known| incoming.revision > known.revision)
}

/// The name of an exported progress file.
pub const PROGRESS_FILE: &str = "rollplan-progress.json";
const FILE_KIND: &str = "rollplan-progress";

/// What a progress file holds: every plan's ticked steps, and what those steps did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgressFile {
    pub plans: BTreeMap<String, Steps>,
    /// What the ticked steps of each plan did (version 2 on; empty from a version 1 file).
    pub ticked: BTreeMap<String, TickedSteps>,
}

/// The progress file (version 2): every plan's ticked steps, by fingerprint, and
/// what those steps did, so that a newer release's plan takes them over after
/// an import as it does from storage ([`crate::progress`]). In `serde_json`'s
/// pretty layout, but what steps did is one line a plan.
pub fn export_progress<'a>(
    plans: impl IntoIterator<Item = (&'a str, &'a Steps)>,
    ticked: impl IntoIterator<Item = (&'a str, &'a TickedSteps)>,
) -> String {
    // By fingerprint, as a JSON object's keys are written (and the last of a repeated one kept).
    let mut sorted = BTreeMap::new();
    for (fingerprint, steps) in plans {
        sorted.insert(fingerprint, steps);
    }
    let mut out = format!("{{\n  \"kind\": {},\n  \"plans\": {{", quoted(FILE_KIND));
    for (n, (fingerprint, steps)) in sorted.iter().enumerate() {
        out.push_str(if n == 0 { "\n" } else { ",\n" });
        let _ = write!(out, "    {}: [", quoted(fingerprint));
        for (i, step) in steps.iter().enumerate() {
            let _ = write!(out, "{}\n      {step}", if i == 0 { "" } else { "," });
        }
        out.push_str(if steps.is_empty() { "]" } else { "\n    ]" });
    }
    out.push_str(if sorted.is_empty() { "},\n" } else { "\n  },\n" });
    // Only for plans with ticks: what the steps of others did is of no use to anyone.
    let mut known = BTreeMap::new();
    for (fingerprint, steps) in ticked {
        if sorted.contains_key(fingerprint) {
            known.insert(fingerprint, steps);
        }
    }
    out.push_str("  \"ticked\": {");
    for (n, (fingerprint, steps)) in known.iter().enumerate() {
        out.push_str(if n == 0 { "\n" } else { ",\n" });
        let _ = write!(out, "    {}: {}", quoted(fingerprint), ticked_steps(steps));
    }
    out.push_str(if known.is_empty() { "},\n" } else { "\n  },\n" });
    out.push_str("  \"version\": 2\n}\n");
    out
}

/// Reads a progress file (version 1 or 2); the error says, as a sentence, what is wrong with it.
pub fn import_progress(text: &str) -> Result<ProgressFile, String> {
    let value = parse_json(text).map_err(|error| format!("It is not JSON: {error}."))?;
    let Value::Mapping(fields) = value else {
        return Err("It is not a rollplan progress file: expected a JSON object.".to_owned());
    };
    if !matches!(field(&fields, "kind"), Some(Value::String(kind)) if kind == FILE_KIND) {
        return Err(format!("It is not a rollplan progress file: \"kind\" must be \"{FILE_KIND}\"."));
    }
    match field(&fields, "version").and_then(as_u64) {
        Some(1 | 2) => {}
        Some(version) => {
            return Err(format!("Version {version} of the progress file is not supported (only 1 and 2)."));
        }
        None => return Err("\"version\" is missing or not a number.".to_owned()),
    }
    let Some(Value::Mapping(plans)) = field(&fields, "plans") else {
        return Err("\"plans\" must be an object: plan fingerprint → ticked step numbers.".to_owned());
    };
    let is_fingerprint =
        |text: &str| text.len() == 16 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let mut imported = ProgressFile::default();
    for (Key { name: fingerprint, .. }, Tree { value: steps_value, .. }) in plans {
        if !is_fingerprint(fingerprint) {
            return Err(format!("\"{fingerprint}\" is not a plan fingerprint (16 hex digits)."));
        }
        let steps = steps(steps_value)
            .ok_or_else(|| format!("The steps of plan {fingerprint} must be a list of step numbers."))?;
        imported.plans.insert(fingerprint.to_string(), steps);
    }
    match field(&fields, "ticked") {
        None => {}
        Some(Value::Mapping(ticked)) => {
            for (Key { name: fingerprint, .. }, tree) in ticked {
                let known = (is_fingerprint(fingerprint)).then(|| read_ticked_steps(&tree.value)).flatten();
                let known = known.ok_or_else(|| format!("What the steps of plan {fingerprint} did cannot be read."))?;
                imported.ticked.insert(fingerprint.to_string(), known);
            }
        }
        Some(_) => return Err("\"ticked\" must be an object: plan fingerprint → what its ticked steps did.".to_owned()),
    }
    Ok(imported)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(list: &[usize]) -> Steps {
        list.iter().copied().collect()
    }

    fn at(revision: u64, list: &[usize]) -> Stored<Steps> {
        Stored { revision, data: steps(list) }
    }

    #[test]
    fn what_ticked_steps_did_round_trips() {
        let ticked = TickedSteps {
            description: "2f8e8c2bd8ad5c3f".into(),
            carried_from: Some("0123456789abcdef".into()),
            steps: BTreeMap::from([
                (0, TickedStep { key: "move EVS1:NODE1>NODE2".into(), title: "Move \"EVS1\" to NODE2".into() }),
                (10, TickedStep { key: "pause NODE1".into(), title: "Pause NODE1".into() }),
            ]),
        };
        let raw = encode_ticked(3, &ticked);
        let value: serde_json::Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(value["data"]["steps"]["10"][1], "Pause NODE1");
        assert_eq!(decode_ticked(&raw), Some(Stored { revision: 3, data: ticked }));
        assert_eq!(decode_ticked(&encode_steps(1, &steps(&[1]))), None, "progress is not what steps did");
        assert_eq!(
            decode_ticked("{\"schema\":1,\"revision\":1,\"data\":{\"description\":\"d\",\"steps\":{\"x\":[]}}}"),
            None
        );
    }

    #[test]
    fn records_round_trip() {
        let text = "format: 1\ncluster: {\"schema\": 1}\n";
        assert_eq!(decode_text(&encode_text(4, text)), Loaded::Current(Stored { revision: 4, data: text.to_owned() }));
        let encoded: serde_json::Value = serde_json::from_str(&encode_steps(2, &steps(&[0, 3]))).unwrap();
        assert_eq!(encoded, serde_json::json!({ "schema": 1, "revision": 2, "data": [0, 3] }));
        assert_eq!(decode_steps(&encode_steps(2, &steps(&[0, 3]))), Loaded::Current(at(2, &[0, 3])));
        assert_eq!(decode_steps(&encode_steps(9, &Steps::new())), Loaded::Current(at(9, &[])));
    }

    #[test]
    fn plain_values_of_schema_zero_are_migrated() {
        assert_eq!(decode_steps("0 4 17"), Loaded::Migrated(at(0, &[0, 4, 17])));
        assert_eq!(decode_steps(""), Loaded::Migrated(at(0, &[])));
        let yaml = "format: 1\ncluster: X\n";
        assert_eq!(decode_text(yaml), Loaded::Migrated(Stored { revision: 0, data: yaml.to_owned() }));
        // A description in JSON is a description, not a broken record.
        let json = r#"{"format": 1, "cluster": "X"}"#;
        assert_eq!(decode_text(json).stored().unwrap().data, json);
    }

    #[test]
    fn anything_else_is_unreadable() {
        for raw in ["0 x 3", "-1", "[0, 1]", r#"{"schema":1,"revision":1,"data":"0 1"}"#, r#"{"schema":1,"data":[1]}"#]
        {
            assert_eq!(decode_steps(raw), Loaded::Unreadable, "{raw}");
        }
        for raw in [
            r#"{"schema":2,"revision":1,"data":"newer app"}"#,
            r#"{"schema":1,"revision":1,"data":[1]}"#,
            r#"{"schema":1,"revision":1,"da"#,
            r#"{"schema":"one","revision":1,"data":"x"}"#,
        ] {
            assert_eq!(decode_text(raw), Loaded::Unreadable, "{raw}");
        }
    }

    #[test]
    fn unreadable_values_are_kept_under_a_free_key() {
        let taken = ["k-unreadable-1", "k-unreadable-2"];
        assert_eq!(unreadable_key("k", |key| taken.contains(&key)), "k-unreadable-3");
        assert_eq!(unreadable_key("k", |_| false), "k-unreadable-1");
    }

    #[test]
    fn merging_keeps_both_sides_changes() {
        // Base {0}; we ticked 1 and unticked 0; they ticked 2.
        assert_eq!(merge(&steps(&[0]), &steps(&[1]), &steps(&[0, 2])), steps(&[1, 2]));
        assert_eq!(merge(&steps(&[]), &steps(&[]), &steps(&[5])), steps(&[5]));
    }

    #[test]
    fn writes_over_storage_only_when_ours_is_newer() {
        // Nothing stored, nothing ticked: nothing to write.
        assert_eq!(reconcile(None, &steps(&[]), None).write, None);
        // In step with storage: our change is written one revision up.
        let result = reconcile(Some(&at(3, &[0])), &steps(&[0, 1]), Some(at(3, &[0])));
        assert_eq!(result.write, Some(at(4, &[0, 1])));
        assert_eq!(result.adopt, None);
        // No change: no write.
        let result = reconcile(Some(&at(3, &[0])), &steps(&[0]), Some(at(3, &[0])));
        assert_eq!((result.write, result.known), (None, at(3, &[0])));
    }

    #[test]
    fn a_newer_record_from_another_tab_is_not_overwritten() {
        // We knew revision 3; another tab wrote 5 with step 2 ticked; we ticked step 1.
        let result = reconcile(Some(&at(3, &[0])), &steps(&[0, 1]), Some(at(5, &[0, 2])));
        assert_eq!(result.write, Some(at(6, &[0, 1, 2])));
        assert_eq!(result.adopt, Some(steps(&[0, 1, 2])));
        // We changed nothing: theirs is taken as it is, nothing written.
        let result = reconcile(Some(&at(3, &[0])), &steps(&[0]), Some(at(5, &[])));
        assert_eq!((result.write, result.adopt, result.known), (None, Some(steps(&[])), at(5, &[])));
        // A stored record older than ours (a stale tab wrote it earlier) is still written above.
        let result = reconcile(Some(&at(7, &[0])), &steps(&[0, 1]), Some(at(2, &[])));
        assert_eq!(result.write, Some(at(8, &[0, 1])));
    }

    #[test]
    fn revisions_order_incoming_records() {
        assert!(is_newer(None, &at(0, &[])));
        assert!(is_newer(Some(&at(2, &[])), &at(3, &[1])));
        assert!(!is_newer(Some(&at(3, &[])), &at(3, &[1])));
        assert!(!is_newer(Some(&at(4, &[])), &at(3, &[1])));
    }

    #[test]
    fn writes_json_that_serde_json_reads_back() {
        use serde_json::{Value, from_str, json};
        let text = "name: \"A\\B\"\n\ttab\r\u{8}\u{c}\u{1}\u{1f}\u{7f} é ✓ / </script>";
        let read = |json: &str| from_str::<Value>(json).unwrap();
        assert_eq!(read(&encode_text(3, text)), json!({ "schema": 1, "revision": 3, "data": text }));
        assert_eq!(encode_steps(2, &steps(&[0, 3])), r#"{"data":[0,3],"revision":2,"schema":1}"#);
        assert_eq!(encode_steps(9, &steps(&[])), r#"{"data":[],"revision":9,"schema":1}"#);
        // serde_json's pretty layout (without its `preserve_order` feature, as the app is built: sorted keys).
        assert_eq!(
            export_progress([], []),
            "{\n  \"kind\": \"rollplan-progress\",\n  \"plans\": {},\n  \"ticked\": {},\n  \"version\": 2\n}\n"
        );
        let (a, b, none) = (steps(&[0, 2, 10]), steps(&[5]), steps(&[]));
        let file =
            export_progress([("fedcba9876543210", &b), ("0123456789abcdef", &a), ("00000000000000ff", &none)], []);
        assert_eq!(
            file,
            r#"{
  "kind": "rollplan-progress",
  "plans": {
    "00000000000000ff": [],
    "0123456789abcdef": [
      0,
      2,
      10
    ],
    "fedcba9876543210": [
      5
    ]
  },
  "ticked": {},
  "version": 2
}
"#
        );
        let expected = json!({ "kind": FILE_KIND, "version": 2, "ticked": {}, "plans": {
            "fedcba9876543210": [5], "0123456789abcdef": [0, 2, 10], "00000000000000ff": [] } });
        assert_eq!(read(&file), expected);
    }

    #[test]
    fn progress_files_round_trip() {
        let (a, b) = (steps(&[0, 2]), steps(&[5]));
        let known = TickedSteps {
            description: "1ae3d35b3768dd5a".into(),
            carried_from: None,
            steps: BTreeMap::from([(0, TickedStep { key: "pause N1".into(), title: "Pause \"N1\"".into() })]),
        };
        let other = TickedSteps { description: "1ae3d35b3768dd5a".into(), carried_from: None, steps: BTreeMap::new() };
        let file = export_progress(
            [("0123456789abcdef", &a), ("fedcba9876543210", &b)],
            [("0123456789abcdef", &known), ("00000000000000ff", &other)],
        );
        let imported = import_progress(&file).unwrap();
        assert_eq!(imported.plans.len(), 2);
        assert_eq!(imported.plans["0123456789abcdef"], a);
        assert_eq!(imported.plans["fedcba9876543210"], b);
        // Only what the steps of plans with ticks did travels.
        assert_eq!(imported.ticked.keys().collect::<Vec<_>>(), ["0123456789abcdef"]);
        assert_eq!(imported.ticked["0123456789abcdef"], known);
        // A version 1 file (before what steps did travelled) still reads.
        let v1 = r#"{"kind":"rollplan-progress","version":1,"plans":{"0123456789abcdef":[1]}}"#;
        assert_eq!(import_progress(v1).unwrap().plans["0123456789abcdef"], steps(&[1]));
    }

    #[test]
    fn importing_validates_and_says_what_is_wrong() {
        let cases = [
            ("not json", "It is not JSON"),
            ("[1]", "expected a JSON object"),
            (r#"{"kind":"other","version":1,"plans":{}}"#, "\"kind\" must be"),
            (r#"{"kind":"rollplan-progress","version":3,"plans":{}}"#, "Version 3"),
            (r#"{"kind":"rollplan-progress","version":2,"plans":{},"ticked":[]}"#, "\"ticked\" must be an object"),
            (
                r#"{"kind":"rollplan-progress","version":2,"plans":{},"ticked":{"0123456789abcdef":{}}}"#,
                "cannot be read",
            ),
            (r#"{"kind":"rollplan-progress","plans":{}}"#, "\"version\" is missing"),
            (r#"{"kind":"rollplan-progress","version":1,"plans":[]}"#, "\"plans\" must be an object"),
            (r#"{"kind":"rollplan-progress","version":1,"plans":{"xyz":[1]}}"#, "\"xyz\" is not a plan fingerprint"),
            (r#"{"kind":"rollplan-progress","version":1,"plans":{"0123456789abcdef":[-1]}}"#, "must be a list"),
        ];
        for (text, expected) in cases {
            let error = import_progress(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
