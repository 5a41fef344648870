//! Golden tests for validation: every description under `tests/cases/` and
//! `tests/examples/` has its expected diagnostics committed beside it as
//! `<file>.diagnostics`. Run with `UPDATE_EXPECT=1` to rewrite them after an
//! intended change, then review the diff.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use rollplan_core::{Code, Syntax, Validation, validate_as};

mod common;

use common::{descriptions, repo_root};

fn validate_file(path: &Path) -> (String, Validation) {
    let text = std::fs::read_to_string(path).unwrap();
    let syntax = Syntax::from_path(&path.to_string_lossy()).unwrap();
    let validation = validate_as(&text, syntax);
    (text, validation)
}

/// The snapshot text: one line per diagnostic with its exact location, hint below.
fn render(validation: &Validation) -> String {
    let mut out = String::new();
    if validation.diagnostics.is_empty() {
        out.push_str("no diagnostics\n");
    }
    for d in &validation.diagnostics {
        let path = if d.path.is_empty() { String::new() } else { format!(" {}", d.path) };
        writeln!(
            out,
            "{}[{}] {}:{}-{}:{}{}: {}",
            d.severity.as_str(),
            d.code,
            d.line,
            d.column,
            d.end_line,
            d.end_column,
            path,
            d.message
        )
        .unwrap();
        if let Some(hint) = &d.hint {
            writeln!(out, "  hint: {hint}").unwrap();
        }
    }
    out
}

/// Validates one file and compares the result with its committed snapshot.
fn check(path: &Path) -> Validation {
    let (text, validation) = validate_file(path);
    for d in &validation.diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end <= text.len(),
            "{}: {d:?} points outside the text",
            path.display()
        );
    }
    let snapshot = PathBuf::from(format!("{}.diagnostics", path.display()));
    expect_test::expect_file![snapshot].assert_eq(&render(&validation));
    validation
}

#[test]
fn every_case_matches_its_snapshot_and_triggers_the_code_it_is_named_after() {
    let mut seen = BTreeSet::new();
    for path in descriptions("tests/cases") {
        let validation = check(&path);
        seen.extend(validation.diagnostics.iter().map(|d| d.code));
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        if let Some(code) =
            Code::ALL.iter().find(|code| stem == code.as_str() || stem.starts_with(&format!("{}-", code.as_str())))
        {
            assert!(
                validation.diagnostics.iter().any(|d| d.code == *code),
                "{} is named after `{code}` but does not trigger it",
                path.display()
            );
        }
    }
    // The size limits need inputs too large to commit; `limits` below covers them.
    let covered_elsewhere = [Code::InputTooLarge];
    for code in Code::ALL {
        assert!(seen.contains(code) || covered_elsewhere.contains(code), "no case in tests/cases triggers `{code}`");
    }
}

#[test]
fn every_example_validates_cleanly() {
    let examples = descriptions("tests/examples");
    assert!(examples.len() >= 4, "the app offers at least the four examples");
    for path in examples {
        let validation = check(&path);
        assert!(!validation.has_errors(), "{} has errors", path.display());
        assert!(validation.cluster.is_some());
    }
}

#[test]
fn the_seed_reads_the_same_in_every_syntax() {
    let root = repo_root();
    let (_, yaml) = validate_file(&root.join("tests/examples/exchange-2003-two-node.yaml"));
    let (_, toml) = validate_file(&root.join("tests/cases/seed.toml"));
    let (_, json) = validate_file(&root.join("tests/cases/seed.json"));
    let yaml = yaml.cluster.expect("the seed is valid");
    assert_eq!(toml.cluster.as_ref(), Some(&yaml));
    assert_eq!(json.cluster.as_ref(), Some(&yaml));
}

#[test]
fn limits_are_refused_with_a_located_error_and_nothing_else() {
    let big = format!("format: 1\n# {}\n", "x".repeat(rollplan_core::MAX_INPUT_BYTES));
    let validation = validate_as(&big, Syntax::Yaml);
    assert_eq!(validation.diagnostics.len(), 1);
    assert_eq!(validation.diagnostics[0].code, Code::InputTooLarge);
    assert_eq!((validation.diagnostics[0].line, validation.diagnostics[0].column), (1, 1));

    let mut many = String::from("format: 1\ncomponents: {}\nnodes:\n");
    for i in 0..=rollplan_core::MAX_NODES {
        writeln!(many, "  - {{name: N{i}}}").unwrap();
    }
    let validation = validate_as(&many, Syntax::Yaml);
    assert_eq!(validation.diagnostics.len(), 1, "{:?}", validation.diagnostics);
    let d = &validation.diagnostics[0];
    assert_eq!((d.code, d.line, d.column, d.path.as_str()), (Code::InputTooLarge, 3, 1, "nodes"));

    let mut services = String::from("{\"format\": 1, \"services\": [");
    for i in 0..=rollplan_core::MAX_SERVICES {
        if i > 0 {
            services.push(',');
        }
        services.push_str("{}");
    }
    services.push_str("]}");
    let validation = validate_as(&services, Syntax::Json);
    let d = &validation.diagnostics[0];
    assert_eq!((validation.diagnostics.len(), d.code, d.line, d.column), (1, Code::InputTooLarge, 1, 15));
}

#[test]
fn arbitrary_garbage_never_panics() {
    let samples = [
        "",
        "\u{0}",
        "{",
        "[",
        "]",
        ":",
        "- - -",
        "a: *x",
        "&a [*a]",
        "format: 1\nnodes: {",
        "\"",
        "format = ",
        "{\"format\":1e999}",
        "format: 18446744073709551616",
    ];
    for text in samples {
        for syntax in [Syntax::Yaml, Syntax::Toml, Syntax::Json] {
            let validation = validate_as(text, syntax);
            assert!(validation.has_errors(), "{text:?} as {syntax:?} should be an error");
        }
    }
}
