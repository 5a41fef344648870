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
//! the newest: the texts in between are never analysed), and an answer for a
//! revision typed over since is dropped unread. A request that has been in
//! flight longer than [`CUT_SHORT_AFTER`] when a newer one comes is cut short:
//! the worker is terminated and a fresh one started from the same module.
//! When the worker cannot be started or fails, [`AnalysisWorker::failed`]
//! says so and the page analyses on its own thread from then on.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::handover::Handover;
use crate::state::Findings;

/// The `<meta>` that names the worker script, written by `cargo xtask dist`.
pub const MARKER: &str = "meta[name=\"rollplan-analysis-worker\"]";

/// How long an analysis may run before a newer text cuts it short (a new
/// worker costs an instantiation of the module, a few milliseconds).
pub const CUT_SHORT_AFTER: Duration = Duration::from_millis(500);

/// Texts up to this many bytes that the page loads (a saved text, an example,
/// a file, a link) are analysed at once on the page's thread, so that their
/// plan shows in the first frame; larger ones are left to the worker. Typing
/// is always analysed in the worker. About a 100-node description in the
/// compact layout of the examples; what it costs is in docs/performance.md.
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
    /// The worker could not answer: analyse `revision` on the page's thread.
    Failed { revision: u64 },
}

/// The page's end of the analysis worker.
pub struct AnalysisWorker {
    script: String,
    on_answer: Box<dyn Fn(Answer)>,
    /// The newest revision asked for: answers for older ones are dropped.
    latest: Cell<u64>,
    running: RefCell<Option<Running>>,
    in_flight: Cell<Option<InFlight>>,
    waiting: RefCell<Option<(u64, Rc<str>)>>,
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

/// When the request in flight was sent (ms, the page's clock).
#[derive(Clone, Copy)]
struct InFlight {
    sent_at: f64,
}

impl AnalysisWorker {
    /// The worker of this page, if the page names one; it starts with the first request.
    pub fn of_page(on_answer: impl Fn(Answer) + 'static) -> Option<Rc<AnalysisWorker>> {
        let script = web_sys::window()?.document()?.query_selector(MARKER).ok()??.get_attribute("content")?;
        Some(Rc::new(AnalysisWorker {
            script,
            on_answer: Box::new(on_answer),
            latest: Cell::new(0),
            running: RefCell::new(None),
            in_flight: Cell::new(None),
            waiting: RefCell::new(None),
            failed: Cell::new(false),
        }))
    }

    /// Whether the worker failed: the page analyses on its own thread then.
    pub fn failed(&self) -> bool {
        self.failed.get()
    }

    /// Asks for the findings of `text` at `revision`, superseding every earlier request.
    pub fn request(self: &Rc<Self>, revision: u64, text: Rc<str>) {
        self.latest.set(revision);
        match self.in_flight.get() {
            None => self.send(revision, &text),
            Some(in_flight) if now_ms() - in_flight.sent_at > CUT_SHORT_AFTER.as_secs_f64() * 1000.0 => {
                self.stop();
                self.send(revision, &text);
            }
            Some(_) => *self.waiting.borrow_mut() = Some((revision, text)),
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
        match posted {
            Some(Ok(())) => self.in_flight.set(Some(InFlight { sent_at: now_ms() })),
            _ => self.fail(revision),
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
                let revision = this.latest.get();
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
        let field = |name: &str| js_sys::Reflect::get(data, &name.into()).ok();
        let Some(revision) = field("revision").and_then(|value| value.as_f64()) else {
            return self.fail(self.latest.get());
        };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let revision = revision as u64;
        let sent_at = self.in_flight.take().map_or_else(now_ms, |in_flight| in_flight.sent_at);
        let waiting = self.waiting.borrow_mut().take();
        if let Some((next, text)) = waiting {
            self.send(next, &text);
        }
        if revision != self.latest.get() {
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
                (self.on_answer)(Answer::Findings { findings, sent_at, worker_ms, read_at });
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
        web_sys::console::error_1(&"rollplan: the analysis worker failed; analysing on the page's thread from now on".into());
        self.stop();
        self.waiting.borrow_mut().take();
        (self.on_answer)(Answer::Failed { revision });
    }

    fn stop(&self) {
        if let Some(running) = self.running.borrow_mut().take() {
            running.worker.terminate();
        }
        self.in_flight.set(None);
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
