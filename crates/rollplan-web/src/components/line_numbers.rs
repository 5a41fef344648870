//! The editor's gutter: line numbers, with the lines that have diagnostics marked.
//!
//! The numbers are one text node ("1\n2\n3..."), not one element per line, so
//! a long description costs one string, rebuilt only when the line count
//! changes. Marks are few (one per diagnostic line) and positioned by line
//! ([`LineMark`]).

use std::collections::BTreeMap;
use std::rc::Rc;

use rollplan_core::{Diagnostic, Severity};
use yew::prelude::*;

use crate::components::line_mark::LineMark;

#[derive(Properties, PartialEq, Debug)]
pub struct LineNumbersProps {
    pub lines: usize,
    pub diagnostics: Rc<[Diagnostic]>,
    /// The gutter element, which the editor scrolls along with the text.
    pub gutter: NodeRef,
}

#[component]
pub fn LineNumbers(props: &LineNumbersProps) -> Html {
    let numbers = use_memo(props.lines, |&lines| {
        AttrValue::from((1..=lines).map(|line| line.to_string()).collect::<Vec<_>>().join("\n"))
    });
    // The most serious diagnostic of each line.
    let marks: BTreeMap<u32, Severity> = props.diagnostics.iter().fold(BTreeMap::new(), |mut marks, diagnostic| {
        let mark = marks.entry(diagnostic.line).or_insert(diagnostic.severity);
        *mark = (*mark).min(diagnostic.severity);
        marks
    });
    html! {
        <div class="gutter" ref={props.gutter.clone()} aria-hidden="true">
            <pre class="line-numbers">{ (*numbers).clone() }</pre>
            { for marks.into_iter().map(|(line, severity)| html! {
                <LineMark key={line} {line} {severity} />
            }) }
        </div>
    }
}
