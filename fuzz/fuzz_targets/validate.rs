//! Arbitrary bytes, read as YAML, TOML and JSON: validation never panics, and
//! a text without errors always gets a plan or a reason, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollplan_core::{Syntax, analyze};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for syntax in [Syntax::Yaml, Syntax::Toml, Syntax::Json] {
        let analysis = analyze(text, syntax);
        // Every diagnostic points inside the text.
        for d in &analysis.validation.diagnostics {
            assert!(d.span.start <= text.len() && d.span.end <= text.len(), "{d:?}");
            assert!(d.line >= 1 && d.column >= 1);
        }
        if let (Some(cluster), Some(plan)) = (&analysis.validation.cluster, analysis.plan()) {
            if let Err(violation) = rollplan_core::check::check(cluster, plan) {
                panic!("the checker rejects a plan: {violation:?}");
            }
        }
    }
});
