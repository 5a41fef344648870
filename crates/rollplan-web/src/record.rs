//! What the app keeps in browser storage, as versioned records, and the
//! progress file the user can export and import. Pure: no browser here (the
//! `localStorage` calls are in `hooks/storage.rs`), so all of it is tested natively.
//!
//! A stored value is a record: `{"schema":1,"revision":7,"data":…}`. The
//! description's data is its text; a plan's progress is the list of its ticked
//! steps. The revision grows with every write, so that two tabs on the same
//! plan can tell whose progress is newer ([`reconcile`]).
//!
//! Values written before records existed (schema 0: the plain description, or
//! progress as `"0 3 4"`) are read as revision 0 ([`Loaded::Migrated`]);
//! anything else is [`Loaded::Unreadable`], and is kept aside under
//! [`unreadable_key`] rather than overwritten.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

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

fn encode<T: Into<Value>>(revision: u64, data: T) -> String {
    json!({ "schema": SCHEMA, "revision": revision, "data": data.into() }).to_string()
}

/// The record of a description.
pub fn encode_text(revision: u64, text: &str) -> String {
    encode(revision, text)
}

/// The record of a plan's ticked steps.
pub fn encode_steps(revision: u64, steps: &Steps) -> String {
    encode(revision, steps.iter().map(|&step| json!(step)).collect::<Vec<_>>())
}

/// The record in `raw`: `Ok(None)` when `raw` is not a record at all, `Err` when it is a broken one.
fn record(raw: &str) -> Result<Option<(u64, Value)>, ()> {
    let Ok(Value::Object(mut fields)) = serde_json::from_str::<Value>(raw) else {
        return Ok(None);
    };
    if !fields.contains_key("schema") {
        return Ok(None);
    }
    if fields.get("schema").and_then(Value::as_u64) != Some(SCHEMA) {
        return Err(());
    }
    let revision = fields.get("revision").and_then(Value::as_u64).ok_or(())?;
    let data = fields.remove("data").ok_or(())?;
    Ok(Some((revision, data)))
}

/// Whether `raw` starts the way a record does (a record cut short is not a description).
fn looks_like_record(raw: &str) -> bool {
    raw.trim_start().strip_prefix('{').is_some_and(|rest| rest.trim_start().starts_with("\"schema\""))
}

/// Reads a saved description.
pub fn decode_text(raw: &str) -> Loaded<String> {
    match record(raw) {
        Ok(Some((revision, Value::String(data)))) => Loaded::Current(Stored { revision, data }),
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
            match raw.split_whitespace().map(str::parse).collect::<Result<Steps, _>>() {
                Ok(data) => Loaded::Migrated(Stored { revision: 0, data }),
                Err(_) => Loaded::Unreadable,
            }
        }
        Err(()) | Ok(None) => Loaded::Unreadable,
    }
}

/// A JSON list of step numbers.
fn steps(value: &Value) -> Option<Steps> {
    value.as_array()?.iter().map(|step| step.as_u64().and_then(|step| usize::try_from(step).ok())).collect()
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

/// The progress file: every plan's ticked steps, by fingerprint.
pub fn export_progress<'a>(plans: impl IntoIterator<Item = (&'a str, &'a Steps)>) -> String {
    let plans: Map<String, Value> = plans
        .into_iter()
        .map(|(fingerprint, steps)| (fingerprint.to_owned(), steps.iter().map(|&step| json!(step)).collect()))
        .collect();
    let file = json!({ "kind": FILE_KIND, "version": 1, "plans": plans });
    serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
}

/// Reads a progress file; the error says, as a sentence, what is wrong with it.
pub fn import_progress(text: &str) -> Result<BTreeMap<String, Steps>, String> {
    let value: Value = serde_json::from_str(text).map_err(|error| format!("It is not JSON: {error}."))?;
    let Value::Object(fields) = value else {
        return Err("It is not a rollplan progress file: expected a JSON object.".to_owned());
    };
    if fields.get("kind").and_then(Value::as_str) != Some(FILE_KIND) {
        return Err(format!("It is not a rollplan progress file: \"kind\" must be \"{FILE_KIND}\"."));
    }
    match fields.get("version").and_then(Value::as_u64) {
        Some(1) => {}
        Some(version) => return Err(format!("Version {version} of the progress file is not supported (only 1).")),
        None => return Err("\"version\" is missing or not a number.".to_owned()),
    }
    let Some(Value::Object(plans)) = fields.get("plans") else {
        return Err("\"plans\" must be an object: plan fingerprint → ticked step numbers.".to_owned());
    };
    plans
        .iter()
        .map(|(fingerprint, steps_value)| {
            if fingerprint.len() != 16 || !fingerprint.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Err(format!("\"{fingerprint}\" is not a plan fingerprint (16 hex digits)."));
            }
            let steps = steps(steps_value)
                .ok_or_else(|| format!("The steps of plan {fingerprint} must be a list of step numbers."))?;
            Ok((fingerprint.clone(), steps))
        })
        .collect()
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
    fn records_round_trip() {
        let text = "format: 1\ncluster: {\"schema\": 1}\n";
        assert_eq!(decode_text(&encode_text(4, text)), Loaded::Current(Stored { revision: 4, data: text.to_owned() }));
        let encoded: Value = serde_json::from_str(&encode_steps(2, &steps(&[0, 3]))).unwrap();
        assert_eq!(encoded, json!({ "schema": 1, "revision": 2, "data": [0, 3] }));
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
    fn progress_files_round_trip() {
        let (a, b) = (steps(&[0, 2]), steps(&[5]));
        let file = export_progress([("0123456789abcdef", &a), ("fedcba9876543210", &b)]);
        let imported = import_progress(&file).unwrap();
        assert_eq!(imported.len(), 2);
        assert_eq!(imported["0123456789abcdef"], a);
        assert_eq!(imported["fedcba9876543210"], b);
    }

    #[test]
    fn importing_validates_and_says_what_is_wrong() {
        let cases = [
            ("not json", "It is not JSON"),
            ("[1]", "expected a JSON object"),
            (r#"{"kind":"other","version":1,"plans":{}}"#, "\"kind\" must be"),
            (r#"{"kind":"rollplan-progress","version":2,"plans":{}}"#, "Version 2"),
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
