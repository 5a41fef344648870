//! The analysis worker: the core runs in a Web Worker, so that validating and
//! planning a large description never holds up the page's thread.
//!
//! The worker is the page's own wasm, instantiated a second time: the page
//! posts the compiled `WebAssembly.Module` it already has
//! (`wasm_bindgen::module()`), so nothing is downloaded or compiled twice.
//! Its script, `analysis-worker-<hash>.js`, is written by `cargo xtask dist`
//! (template: xtask/src/analysis-worker.js) and named in a
//! `<meta name="rollplan-analysis-worker">`; without it (`trunk serve`, the
//! browser tests) the page analyses on its own thread, as before. The
//! Content-Security-Policy allows it (`worker-src 'self'`), and the service
//! worker caches it with the build's other files.
//!
//! Messages: the page posts `{module}` once, then `{revision, text}` per
//! request; the worker answers `{revision, bytes, ms}` (a [`Handover`] in
//! postcard, its buffer transferred, not copied, and how long the analysis
//! took there) or `{revision, error}`.
//!
//! One request is in flight at a time. A newer one waits in its place (only
//! the newest: the texts in between are never analysed, nor one the page has
//! analysed itself since), and an answer for a revision typed over since is
//! dropped unread. A request in flight for longer than [`CUT_SHORT_AFTER`]
//! while a newer one waits is cut short: the worker is terminated and a fresh
//! one started from the same module.
//!
//! When the worker cannot be started, or answers with an error (which the
//! core's analysis never should: it does not panic), [`AnalysisWorker::failed`]
//! says so, the console says why, and the page analyses on its own thread
//! from then on.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use yew::platform::spawn_local;
use yew::platform::time::sleep;

use crate::handover::Handover;
use crate::state::Findings;

/// The worker's entry point (xtask/src/analysis-worker.js calls it):
/// analyses `text` and returns the [`Handover`] in postcard.
#[wasm_bindgen(js_name = analyzeForPage)]
pub fn analyze_for_page(text: &str) -> Vec<u8> {
    Handover::analyze(text).to_bytes()
}

/// The `<meta>` that names the worker script, written by `cargo xtask dist`.
pub const MARKER: &str = "meta[name=\"rollplan-analysis-worker\"]";

/// How long an analysis may run before a newer text cuts it short (a new
/// worker costs an instantiation of the module, a few milliseconds).
pub const CUT_SHORT_AFTER: Duration = Duration::from_millis(500);

/// Texts up to this many bytes are analysed on the page's thread: loaded
/// ones (a saved text, an example, a file, a link) at once, so that their
/// plan shows in the first frame, and typed ones while that stays quick
/// (`analysis.rs`, `ON_PAGE_BELOW`); larger ones are left to the worker.
/// About a 100-node description in the compact layout of the examples; what
/// it costs is in docs/performance.md.
pub const ANALYSE_HERE_UP_TO: usize = 16 * 1024;

/// Whether the page names an analysis worker (a `cargo xtask dist` build).
pub fn page_has_one() -> bool {
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.query_selector(MARKER).ok().flatten())
        .is_some()
}

/// What came back for a request.
#[derive(Debug)]
pub enum Answer {
    /// The findings of `revision`, when the request was sent (ms, the page's
    /// clock), how long the analysis took in the worker, and when the answer was read (ms).
    Findings { findings: Findings, sent_at: f64, worker_ms: f64, read_at: f64 },
    /// The worker could not answer: analyse `revision`, and everything from
    /// now on, on the page's thread.
    Failed { revision: u64 },
}

/// Which request is in flight and which one waits: the worker's scheduling
/// as plain data (times in ms of the page's clock), tested natively.
#[derive(Debug, Default)]
struct Requests {
    /// The newest revision: answers for older ones are dropped unread.
    latest: u64,
    /// When the request in flight was sent.
    in_flight: Option<f64>,
    /// The newest request made while one was in flight.
    waiting: Option<(u64, Rc<str>)>,
}

/// What to do with the worker after a change of [`Requests`].
#[derive(Debug, PartialEq, Eq)]
enum Post {
    Nothing,
    /// Post this request.
    Send(u64, Rc<str>),
    /// Terminate the worker (its analysis is cut short), start a new one and post this request.
    Restart(u64, Rc<str>),
}

impl Requests {
    /// The text is at `revision` now, analysed elsewhere: nothing older is worth sending.
    fn supersede(&mut self, revision: u64) {
        self.latest = revision;
        if self.waiting.as_ref().is_some_and(|(waiting, _)| *waiting != revision) {
            self.waiting = None;
        }
    }

    /// A request for `text` at `revision`, at `now`.
    fn request(&mut self, revision: u64, text: Rc<str>, now: f64) -> Post {
        self.latest = revision;
        match self.in_flight {
            None => {
                self.in_flight = Some(now);
                Post::Send(revision, text)
            }
            Some(sent_at) if now - sent_at > CUT_SHORT_AFTER.as_secs_f64() * 1000.0 => {
                self.waiting = None;
                self.in_flight = Some(now);
                Post::Restart(revision, text)
            }
            Some(_) => {
                self.waiting = Some((revision, text));
                Post::Nothing
            }
        }
    }

    /// When to look again ([`Requests::due`]): while a request waits behind
    /// one in flight, the moment that one has run for [`CUT_SHORT_AFTER`].
    fn due_at(&self) -> Option<f64> {
        self.waiting.as_ref().and(self.in_flight).map(|sent_at| sent_at + CUT_SHORT_AFTER.as_secs_f64() * 1000.0)
    }

    /// At `now`: cuts the request in flight short if it has run for
    /// [`CUT_SHORT_AFTER`] and a newer one waits, so that the text typed last
    /// does not wait for a long analysis of an older one.
    fn due(&mut self, now: f64) -> Post {
        match (self.due_at(), self.waiting.take()) {
            (Some(due), Some((revision, text))) if now >= due => {
                self.in_flight = Some(now);
                Post::Restart(revision, text)
            }
            (_, waiting) => {
                self.waiting = waiting;
                Post::Nothing
            }
        }
    }

    /// The worker answered about `revision` at `now`: whether to show the
    /// answer, when its request was sent, and what to post next.
    fn answered(&mut self, revision: u64, now: f64) -> (bool, f64, Post) {
        let sent_at = self.in_flight.take().unwrap_or(now);
        let next = match self.waiting.take() {
            Some((next, text)) => {
                self.in_flight = Some(now);
                Post::Send(next, text)
            }
            None => Post::Nothing,
        };
        (revision == self.latest, sent_at, next)
    }
}

/// The page's end of the analysis worker.
pub struct AnalysisWorker {
    script: String,
    on_answer: Box<dyn Fn(Answer)>,
    requests: RefCell<Requests>,
    running: RefCell<Option<Running>>,
    failed: Cell<bool>,
}

impl std::fmt::Debug for AnalysisWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnalysisWorker").field("script", &self.script).finish_non_exhaustive()
    }
}

struct Running {
    worker: Worker,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(JsValue)>,
}

impl Running {
    /// Stops the worker, its handlers first: its closures are dropped with it.
    fn terminate(self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.set_onmessageerror(None);
        self.worker.terminate();
    }
}

impl AnalysisWorker {
    /// The worker of this page, if the page names one; it starts with the first request.
    pub fn of_page(on_answer: impl Fn(Answer) + 'static) -> Option<Rc<AnalysisWorker>> {
        let script = web_sys::window()?.document()?.query_selector(MARKER).ok()??.get_attribute("content")?;
        Some(Rc::new(AnalysisWorker {
            script,
            on_answer: Box::new(on_answer),
            requests: RefCell::new(Requests::default()),
            running: RefCell::new(None),
            failed: Cell::new(false),
        }))
    }

    /// Whether the worker failed: the page analyses on its own thread then.
    pub fn failed(&self) -> bool {
        self.failed.get()
    }

    /// The text is at `revision` now (analysed on the page's thread, say): an
    /// answer about an earlier one is dropped unread.
    pub fn supersede(&self, revision: u64) {
        self.requests.borrow_mut().supersede(revision);
    }

    /// Asks for the findings of `text` at `revision`, superseding every earlier request.
    pub fn request(self: &Rc<Self>, revision: u64, text: Rc<str>) {
        let post = self.requests.borrow_mut().request(revision, text, now_ms());
        self.post(post);
        self.look_again_when_due();
    }

    /// While a request waits, looks again once the one in flight may be cut short.
    fn look_again_when_due(self: &Rc<Self>) {
        let Some(due_at) = self.requests.borrow().due_at() else {
            return;
        };
        let weak = Rc::downgrade(self);
        spawn_local(async move {
            // Whole milliseconds, and one more: the timer must not wake before `due_at`.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let wait = (due_at - now_ms()).max(0.0) as u64 + 1;
            sleep(Duration::from_millis(wait)).await;
            if let Some(this) = weak.upgrade() {
                let post = this.requests.borrow_mut().due(now_ms());
                this.post(post);
            }
        });
    }

    fn post(self: &Rc<Self>, post: Post) {
        match post {
            Post::Nothing => {}
            Post::Send(revision, text) => self.send(revision, &text),
            Post::Restart(revision, text) => {
                if let Some(running) = self.running.borrow_mut().take() {
                    running.terminate();
                }
                self.send(revision, &text);
            }
        }
    }

    fn send(self: &Rc<Self>, revision: u64, text: &str) {
        if self.running.borrow().is_none() {
            match self.start() {
                Ok(running) => *self.running.borrow_mut() = Some(running),
                Err(()) => return self.fail(revision),
            }
        }
        let message = js_sys::Object::new();
        // A revision counts edits: far below 2^53, where an f64 stops being exact.
        #[allow(clippy::cast_precision_loss)]
        let _ = js_sys::Reflect::set(&message, &"revision".into(), &JsValue::from_f64(revision as f64));
        let _ = js_sys::Reflect::set(&message, &"text".into(), &JsValue::from_str(text));
        let posted = self.running.borrow().as_ref().map(|running| running.worker.post_message(&message));
        if !matches!(posted, Some(Ok(()))) {
            self.fail(revision);
        }
    }

    /// A new worker, given the page's compiled module.
    fn start(self: &Rc<Self>) -> Result<Running, ()> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(&self.script, &options).map_err(drop)?;
        let weak = Rc::downgrade(self);
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(this) = weak.upgrade() {
                this.answered(&event.data());
            }
        });
        let weak = Rc::downgrade(self);
        let on_error = Closure::<dyn Fn(JsValue)>::new(move |_| {
            if let Some(this) = weak.upgrade() {
                let revision = this.requests.borrow().latest;
                this.fail(revision);
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
        let hello = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&hello, &"module".into(), &wasm_bindgen::module());
        worker.post_message(&hello).map_err(drop)?;
        Ok(Running { worker, _on_message: on_message, _on_error: on_error })
    }

    fn answered(self: &Rc<Self>, data: &JsValue) {
        let field = |name: &str| js_sys::Reflect::get(data, &name.into()).ok().filter(|value| !value.is_undefined());
        let revision = field("revision").and_then(|value| value.as_f64());
        let error = field("error");
        let (Some(revision), None) = (revision, &error) else {
            if let Some(error) = error {
                web_sys::console::error_2(&"rollplan: the analysis worker's analysis failed:".into(), &error);
            }
            let latest = self.requests.borrow().latest;
            return self.fail(latest);
        };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let revision = revision as u64;
        let (current, sent_at, next) = self.requests.borrow_mut().answered(revision, now_ms());
        self.post(next);
        if !current {
            return;
        }
        let worker_ms = field("ms").and_then(|value| value.as_f64()).unwrap_or(0.0);
        let received_at = now_ms();
        let bytes = field("bytes").and_then(|value| value.dyn_into::<js_sys::Uint8Array>().ok());
        match bytes.map(|bytes| Handover::from_bytes(&bytes.to_vec())) {
            Some(Ok(handover)) => {
                let findings = Findings::from_handover(handover, revision);
                let read_at = now_ms();
                super::analysis::measure("rollplan:handover", received_at, read_at);
                // Shown in a task of its own: reading a large answer and rendering its
                // plan, each some milliseconds, would otherwise add up to one long task.
                let this = Rc::clone(self);
                spawn_local(async move {
                    sleep(Duration::ZERO).await;
                    (this.on_answer)(Answer::Findings { findings, sent_at, worker_ms, read_at });
                });
            }
            _ => self.fail(revision),
        }
    }

    /// Gives up on the worker; `revision` is analysed on the page's thread.
    fn fail(&self, revision: u64) {
        if self.failed.replace(true) {
            return;
        }
        // Said where a developer (and the end-to-end tests) will see it: the page still works.
        web_sys::console::error_1(
            &"rollplan: the analysis worker failed; analysing on the page's thread from now on".into(),
        );
        self.stop();
        (self.on_answer)(Answer::Failed { revision });
    }

    fn stop(&self) {
        if let Some(running) = self.running.borrow_mut().take() {
            running.terminate();
        }
        let mut requests = self.requests.borrow_mut();
        requests.in_flight = None;
        requests.waiting = None;
    }
}

impl Drop for AnalysisWorker {
    fn drop(&mut self) {
        self.stop();
    }
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|window| window.performance()).map_or(0.0, |performance| performance.now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Rc<str> {
        s.into()
    }

    #[test]
    fn one_request_in_flight_and_only_the_newest_waits() {
        let mut requests = Requests::default();
        assert_eq!(requests.request(1, text("a"), 0.0), Post::Send(1, text("a")));
        assert_eq!(requests.request(2, text("ab"), 10.0), Post::Nothing);
        assert_eq!(requests.request(3, text("abc"), 20.0), Post::Nothing, "2 never goes: 3 replaces it");
        // 1 is answered: typed over since, so not shown; 3 goes.
        assert_eq!(requests.answered(1, 100.0), (false, 0.0, Post::Send(3, text("abc"))));
        // 3 is answered: shown, nothing waits.
        assert_eq!(requests.answered(3, 150.0), (true, 100.0, Post::Nothing));
        assert_eq!(requests.request(4, text("abcd"), 200.0), Post::Send(4, text("abcd")));
    }

    #[test]
    fn a_long_analysis_is_cut_short_by_a_newer_text() {
        let mut requests = Requests::default();
        assert_eq!(requests.request(1, text("huge"), 0.0), Post::Send(1, text("huge")));
        assert_eq!(requests.request(2, text("huge2"), 400.0), Post::Nothing);
        let after = CUT_SHORT_AFTER.as_secs_f64() * 1000.0 + 1.0;
        assert_eq!(requests.request(3, text("huge3"), after), Post::Restart(3, text("huge3")));
        // The new worker answers; nothing of 2 is left to send.
        assert_eq!(requests.answered(3, after + 50.0), (true, after, Post::Nothing));
    }

    #[test]
    fn an_answer_about_a_text_analysed_on_the_page_since_is_dropped() {
        let mut requests = Requests::default();
        requests.request(5, text("big"), 0.0);
        requests.request(6, text("bigger"), 1.0);
        // 7 is analysed on the page: 6, waiting, is worth nothing now.
        requests.supersede(7);
        assert_eq!(requests.answered(5, 10.0), (false, 0.0, Post::Nothing));
        assert_eq!(requests.request(8, text("big again"), 20.0), Post::Send(8, text("big again")));
    }

    #[test]
    fn a_waiting_request_cuts_a_long_one_short_when_it_is_due() {
        let mut requests = Requests::default();
        assert_eq!(requests.due_at(), None);
        requests.request(1, text("huge"), 0.0);
        assert_eq!(requests.due_at(), None, "nothing waits");
        // The last keystroke of a burst, soon after the analysis started.
        requests.request(2, text("huge2"), 100.0);
        let due = CUT_SHORT_AFTER.as_secs_f64() * 1000.0;
        assert_eq!(requests.due_at(), Some(due));
        assert_eq!(requests.due(due - 1.0), Post::Nothing, "not yet");
        assert_eq!(requests.due(due), Post::Restart(2, text("huge2")));
        assert_eq!(requests.due_at(), None);
        assert_eq!(requests.answered(2, due + 40.0), (true, due, Post::Nothing));
        // Answered in time: nothing to cut short.
        requests.request(3, text("a"), 1000.0);
        requests.request(4, text("ab"), 1010.0);
        assert_eq!(requests.answered(3, 1020.0), (false, 1000.0, Post::Send(4, text("ab"))));
        assert_eq!(requests.due(5000.0), Post::Nothing);
    }
}
