//! Analysing the description as it is edited: in the analysis worker when it
//! is large or slow, else at once when that is quick, once typing pauses
//! when it is not.
//!
//! Validation and planning take well under a millisecond for a real cluster
//! but can take seconds for a description of hundreds of nodes. So an edit
//! only records the text, and its analysis is requested separately. Where the
//! page has an analysis worker (`analysis_worker.rs`: a `cargo xtask dist`
//! build), a text longer than [`ANALYSE_HERE_UP_TO`], or one whose last
//! analysis and render took [`ON_PAGE_BELOW`] or more (the worker reports
//! its time, so this is known either way), goes to the worker at once:
//! the page's thread never waits for it, and a newer edit supersedes it.
//! Otherwise the analysis runs on the page's thread, as soon as
//! [`delay_after`] the cost of the last analysis (validation, planning and
//! rendering the result) allows:
//!
//! - under [`IMMEDIATE_BELOW`] (two frames), at once: on the next tick (a
//!   microtask), still in the keystroke's task, so the frame that shows the
//!   keystroke shows its plan too. (A zero timer would wait for that frame
//!   first: measured, it put a second frame between keystroke and plan.)
//! - otherwise once the text has not changed for [`ANALYSIS_DELAY`], or about
//!   twice the cost (at most [`MAX_ANALYSIS_DELAY`]), so that someone typing
//!   into a huge description is not interrupted at every short pause;
//! - [`ANALYSIS_DELAY`] while the cost is unknown: before the first timed
//!   analysis, and after one this hook did not time (the reducer analyses a
//!   loaded example or file at once).
//!
//! A timer that wakes up to a newer revision does nothing. (The reducer would
//! also ignore an analysis of an old revision, see `state/document.rs`; skipping the
//! dispatch keeps the measured cost that of real analyses.)
//!
//! Each timed analysis leaves User Timing measures (`performance.measure`),
//! which `cargo xtask bench-wasm` reads back (e2e/bench.mjs,
//! docs/performance.md). Each replaces the previous one of its name, so a long
//! session accumulates none:
//! - `rollplan:wait`: from the edit's render to the analysis starting (the debounce; about 0 when at once);
//! - `rollplan:analyze`: validation and planning (the core, in the reducer), or
//!   the round trip to the worker (sent to answered, the answer read);
//! - `rollplan:handover`: reading the worker's answer (postcard to findings), part of the above;
//! - `rollplan:render`: from then until the page shows the result (DOM updated);
//! - `rollplan:paint`: from then until after the next frame is painted;
//! - `rollplan:keystroke-to-plan`: from the edit's `input` event to that paint.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Event, HtmlTextAreaElement, Performance};
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use super::analysis_worker::{ANALYSE_HERE_UP_TO, AnalysisWorker, Answer};
use crate::state::{Action, State};

/// Long enough to stay out of the way of typing, short enough to feel live.
pub const ANALYSIS_DELAY: Duration = Duration::from_millis(200);

/// The longest wait, however slow the analysis: the page must still feel live.
pub const MAX_ANALYSIS_DELAY: Duration = Duration::from_secs(2);

/// An analysis (with its rendering) quicker than this runs on the next tick,
/// without waiting for typing to pause: two frames at 60 Hz. Half a frame
/// (so that keystroke, analysis and paint fit in one) left a 64-node
/// description, whose analysis and render take about 15 ms, waiting 200 ms
/// for every keystroke; at once, its plan follows in about 30 ms, and a
/// keystroke still blocks typing for less than two frames.
pub const IMMEDIATE_BELOW: Duration = Duration::from_millis(32);

/// With an analysis worker, an edit is analysed on the page's thread (at
/// once) only while that is quicker than this, and the text no longer than
/// [`ANALYSE_HERE_UP_TO`]: then the keystroke and its plan share a frame,
/// where the round trip to the worker cost a frame or two (measured:
/// keystroke to plan at 64 nodes, median 13 ms on the page's thread against
/// 33 ms through the worker). Anything slower goes to the worker, where it
/// holds up nothing.
pub const ON_PAGE_BELOW: Duration = Duration::from_millis(16);

/// How long to wait after an edit before analysing, given what the last
/// analysis and its rendering cost (`None`: not known).
///
/// Waiting about twice the cost of a slow analysis keeps the page responsive
/// for at least two thirds of the time while someone types into it.
pub fn delay_after(last_cost: Option<Duration>) -> Duration {
    match last_cost {
        Some(cost) if cost < IMMEDIATE_BELOW => Duration::ZERO,
        Some(cost) => (cost * 2).clamp(ANALYSIS_DELAY, MAX_ANALYSIS_DELAY),
        None => ANALYSIS_DELAY,
    }
}

/// What the timers and effects of one app share.
#[derive(Debug, Default)]
struct Shared {
    /// The newest revision seen.
    latest: Cell<u64>,
    /// What the last analysis timed here cost, until one is not timed here.
    last_cost: Cell<Option<Duration>>,
    /// When the editor was last edited (the `input` event's time stamp, ms).
    edited_at: Cell<Option<f64>>,
    /// The analysis dispatched and not yet seen rendered.
    running: Cell<Option<Running>>,
    /// The revision last sent to the analysis worker, and when it was edited.
    requested: Cell<Option<(u64, Option<f64>)>>,
}

#[derive(Debug, Clone, Copy)]
struct Running {
    /// What the analysis would have cost on the page's thread (ms): its time
    /// here, or in the worker (the same wasm); the render is added to it.
    analysis_ms: f64,
    revision: u64,
    edited_at: Option<f64>,
    analysed_at: f64,
}

/// Has each edit analysed: by the analysis worker at once where the page has
/// one and the analysis is not quick ([`ON_PAGE_BELOW`]), else by
/// dispatching [`Action::Analyze`] as soon as [`delay_after`] allows.
#[hook]
pub fn use_debounced_analysis(state: &UseReducerHandle<State>) {
    let shared = use_memo((), |()| Shared::default());
    let worker = {
        let shared = shared.clone();
        let dispatcher = state.dispatcher();
        use_memo((), move |()| AnalysisWorker::of_page(move |answer| answered(&shared, &dispatcher, answer)))
    };
    use_edit_times(shared.clone());
    {
        let stale = state.document.is_stale();
        let text = state.document.text.clone();
        let dispatcher = state.dispatcher();
        let shared = shared.clone();
        use_effect_with(state.document.revision, move |&revision| {
            shared.latest.set(revision);
            let edited_at = shared.edited_at.take();
            if let Some(worker) = worker.as_ref() {
                worker.supersede(revision);
            }
            let in_worker =
                text.len() > ANALYSE_HERE_UP_TO || shared.last_cost.get().is_some_and(|cost| cost >= ON_PAGE_BELOW);
            if let Some(worker) = worker.as_ref().as_ref().filter(|worker| stale && in_worker && !worker.failed()) {
                // Off the page's thread: no reason to wait for typing to pause.
                shared.requested.set(Some((revision, edited_at)));
                worker.request(revision, text);
            } else if stale {
                let scheduled_at = now_ms();
                spawn_local(async move {
                    let delay = delay_after(shared.last_cost.get());
                    if !delay.is_zero() {
                        sleep(delay).await;
                    }
                    if shared.latest.get() != revision {
                        return;
                    }
                    let started_at = now_ms();
                    measure("rollplan:wait", scheduled_at, started_at);
                    dispatcher.dispatch(Action::Analyze { revision });
                    let analysed_at = now_ms();
                    measure("rollplan:analyze", started_at, analysed_at);
                    let analysis_ms = analysed_at - started_at;
                    shared.running.set(Some(Running { analysis_ms, revision, edited_at, analysed_at }));
                });
            }
        });
    }
    // Runs once the page shows an analysis: the one timed above, or another.
    use_effect_with(state.document.analysis.revision, move |&revision| match shared.running.take() {
        Some(running) if running.revision == revision => {
            let rendered_at = now_ms();
            measure("rollplan:render", running.analysed_at, rendered_at);
            // Whole microseconds (`as` saturates): `from_secs_f64` would bring its panic message along.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let micros = ((running.analysis_ms + rendered_at - running.analysed_at).max(0.0) * 1000.0) as u64;
            shared.last_cost.set(Some(Duration::from_micros(micros)));
            spawn_local(async move {
                next_paint().await;
                let painted_at = now_ms();
                measure("rollplan:paint", rendered_at, painted_at);
                if let Some(edited_at) = running.edited_at {
                    measure("rollplan:keystroke-to-plan", edited_at, painted_at);
                }
            });
        }
        _ => shared.last_cost.set(None),
    });
}

/// Shows what the analysis worker answered, timed as an analysis on the
/// page's thread is; analyses on the page's thread what it could not.
fn answered(shared: &Shared, dispatcher: &UseReducerDispatcher<State>, answer: Answer) {
    match answer {
        Answer::Findings { findings, sent_at, worker_ms, read_at: analysed_at } => {
            let revision = findings.revision;
            measure("rollplan:analyze", sent_at, analysed_at);
            let edited_at = match shared.requested.take() {
                Some((requested, edited_at)) if requested == revision => edited_at,
                _ => None,
            };
            // What it would have cost here: the same wasm's time in the worker.
            let analysis_ms = worker_ms;
            shared.running.set(Some(Running { analysis_ms, revision, edited_at, analysed_at }));
            dispatcher.dispatch(Action::Analyzed(findings));
        }
        Answer::Failed { revision } => dispatcher.dispatch(Action::AnalyzeEverythingHere { revision }),
    }
}

/// Records when the editor is edited: the time stamp of every `input` event
/// from a textarea (the editor is the page's only one), seen on its way down
/// (capture), before the editor handles it. A keystroke that waited for a busy
/// page counts from when it happened, not from when it was handled.
#[hook]
fn use_edit_times(shared: Rc<Shared>) {
    use_effect_with((), move |()| {
        let listener = web_sys::window().map(|window| {
            let on_input = Closure::<dyn Fn(Event)>::new(move |event: Event| {
                if event.target().is_some_and(|target| target.has_type::<HtmlTextAreaElement>()) {
                    shared.edited_at.set(Some(event.time_stamp()));
                }
            });
            let _ = window.add_event_listener_with_callback_and_bool("input", on_input.as_ref().unchecked_ref(), true);
            (window, on_input)
        });
        move || {
            if let Some((window, on_input)) = listener {
                let _ = window.remove_event_listener_with_callback_and_bool(
                    "input",
                    on_input.as_ref().unchecked_ref(),
                    true,
                );
            }
        }
    });
}

/// Resolves after the next frame is painted: an animation frame callback runs
/// just before the frame's style, layout and paint, and a zero timer set there
/// runs after them.
async fn next_paint() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window.request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
    sleep(Duration::ZERO).await;
}

#[wasm_bindgen]
extern "C" {
    /// `performance.measure(name, {start, end})`: web-sys binds this form only as an unstable API.
    #[wasm_bindgen(catch, js_namespace = performance, js_name = measure)]
    fn measure_between(name: &str, options: &js_sys::Object) -> Result<JsValue, JsValue>;
}

/// Records the User Timing measure `name` from `start` to `end` (ms), in place of the previous one.
pub(super) fn measure(name: &str, start: f64, end: f64) {
    let Some(performance) = performance() else {
        return;
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &start.into());
    let _ = js_sys::Reflect::set(&options, &"end".into(), &end.into());
    performance.clear_measures_with_measure_name(name);
    let _ = measure_between(name, &options);
}

fn performance() -> Option<Performance> {
    web_sys::window().and_then(|window| window.performance())
}

/// The page's clock, in milliseconds (0 where there is none, as in native tests).
fn now_ms() -> f64 {
    performance().map_or(0.0, |performance| performance.now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_analyses_run_at_once_and_slow_ones_wait_within_bounds() {
        assert_eq!(delay_after(Some(Duration::ZERO)), Duration::ZERO);
        assert_eq!(delay_after(Some(Duration::from_millis(5))), Duration::ZERO);
        assert_eq!(delay_after(Some(Duration::from_millis(15))), Duration::ZERO);
        assert_eq!(delay_after(Some(Duration::from_micros(31_999))), Duration::ZERO);
        assert_eq!(delay_after(Some(IMMEDIATE_BELOW)), ANALYSIS_DELAY);
        assert_eq!(delay_after(Some(Duration::from_millis(40))), ANALYSIS_DELAY);
        assert_eq!(delay_after(Some(Duration::from_millis(400))), Duration::from_millis(800));
        assert_eq!(delay_after(Some(Duration::from_secs(9))), MAX_ANALYSIS_DELAY);
    }

    #[test]
    fn an_unknown_cost_waits_for_typing_to_pause() {
        assert_eq!(delay_after(None), ANALYSIS_DELAY);
    }
}
