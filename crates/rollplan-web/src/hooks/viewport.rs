//! What long lists need from the browser to render only the items near the
//! screen (`list_window.rs` does the arithmetic): which part of the checklist
//! is on screen, and of the timeline's columns; how tall the rendered steps
//! are; and whether the page is being printed (then every step is rendered).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, MediaQueryList, ResizeObserver, ResizeObserverEntry, Window};
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

/// The part of a list that is on screen, in px from the list's start
/// (negative when the list starts below or right of the screen's edge).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub start: f64,
    pub end: f64,
    /// Pixels per rem (the root font size), for lists sized in rem.
    pub rem: f64,
}

/// Scroll positions are rounded down to this many px, so that scrolling
/// re-renders a list once per this distance rather than every frame; the
/// window's margin of a screen on each side covers the difference.
const QUANTUM: f64 = 128.0;

/// The part of `list` on screen down the page, kept up to date as the page
/// (or anything in it) scrolls or is resized, and after each render (what
/// is above the list may have grown); read once per frame at most. `None`
/// while `enabled` is false, or before the first reading.
#[hook]
pub fn use_viewport(list: &NodeRef, enabled: bool) -> Option<Viewport> {
    use_watched(list, enabled, down_the_page)
}

/// The part of `scroller`'s content in view as it scrolls sideways: the
/// timeline's columns. As [`use_viewport`] otherwise.
#[hook]
pub fn use_sideways_viewport(scroller: &NodeRef, enabled: bool) -> Option<Viewport> {
    use_watched(scroller, enabled, sideways)
}

/// How a viewport is read from the window and the element watched.
type Read = fn(&Window, &Element) -> Option<Viewport>;

fn down_the_page(window: &Window, list: &Element) -> Option<Viewport> {
    let height = window.inner_height().ok()?.as_f64()?;
    let start = quantised(-list.get_bounding_client_rect().top());
    // The rounding hides up to a quantum at the end: count it in.
    Some(Viewport { start, end: start + height + QUANTUM, rem: rem(window) })
}

#[allow(clippy::unnecessary_wraps)] // a `Read`, as `down_the_page` is
fn sideways(window: &Window, scroller: &Element) -> Option<Viewport> {
    let start = quantised(f64::from(scroller.scroll_left()));
    Some(Viewport { start, end: start + f64::from(scroller.client_width()) + QUANTUM, rem: rem(window) })
}

fn quantised(position: f64) -> f64 {
    (position / QUANTUM).floor() * QUANTUM
}

/// The root font size in px (16 unless the user changed it).
fn rem(window: &Window) -> f64 {
    window
        .document()
        .and_then(|document| document.document_element())
        .and_then(|root| computed_px(window, &root, "font-size"))
        .filter(|size| *size > 0.0)
        .unwrap_or(16.0)
}

/// The computed value of a length property of `element`, in px.
fn computed_px(window: &Window, element: &Element, property: &str) -> Option<f64> {
    let value = window.get_computed_style(element).ok().flatten()?.get_property_value(property).ok()?;
    // JavaScript's parseFloat reads "7.2px": Rust's float parser would add kilobytes to the bundle.
    Some(js_sys::parse_float(&value)).filter(|px| px.is_finite())
}

#[hook]
fn use_watched(node: &NodeRef, enabled: bool, read: Read) -> Option<Viewport> {
    let viewport = use_state_eq(|| None);
    let watcher = use_mut_ref(|| None::<Rc<Watcher>>);
    {
        let node = node.clone();
        let viewport = viewport.clone();
        let watcher = watcher.clone();
        use_effect_with(enabled, move |&enabled| {
            let watching = if enabled { Watcher::start(node, viewport, read) } else { None };
            watcher.replace(watching.clone());
            move || {
                watcher.replace(None);
                if let Some(watching) = watching {
                    watching.stop();
                }
            }
        });
    }
    // After every render (effects run in order: on the first, the one above has started).
    use_effect(move || {
        if let Some(watching) = watcher.borrow().as_ref() {
            watching.request();
        }
    });
    *viewport
}

/// Reads the viewport at the next animation frame after any scroll, resize or render.
struct Watcher {
    window: Window,
    node: NodeRef,
    read: Read,
    viewport: UseStateHandle<Option<Viewport>>,
    /// The pending frame's request id.
    frame: Cell<Option<i32>>,
    on_frame: RefCell<Option<Closure<dyn Fn()>>>,
    listeners: RefCell<Vec<EventListener>>,
}

impl Watcher {
    fn start(node: NodeRef, viewport: UseStateHandle<Option<Viewport>>, read: Read) -> Option<Rc<Self>> {
        let window = web_sys::window()?;
        let watcher = Rc::new(Watcher {
            window: window.clone(),
            node,
            read,
            viewport,
            frame: Cell::new(None),
            on_frame: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
        });
        // The closures hold the watcher weakly: `stop` drops them, and nothing else keeps them.
        let weak = Rc::downgrade(&watcher);
        watcher.on_frame.replace(Some(Closure::new({
            let weak = weak.clone();
            move || {
                if let Some(watcher) = weak.upgrade() {
                    watcher.frame.set(None);
                    let element = watcher.node.cast::<Element>();
                    watcher.viewport.set(element.and_then(|element| (watcher.read)(&watcher.window, &element)));
                }
            }
        })));
        let on_event = move |_: &Event| {
            if let Some(watcher) = weak.upgrade() {
                watcher.request();
            }
        };
        // Scroll events do not bubble; in the capture phase the window sees every scroller's.
        let scroll = EventListener::new_with_options(
            &window,
            "scroll",
            EventListenerOptions::run_in_capture_phase(),
            on_event.clone(),
        );
        let resize = EventListener::new(&window, "resize", on_event);
        watcher.listeners.replace(vec![scroll, resize]);
        watcher.request();
        Some(watcher)
    }

    /// Asks for a reading at the next frame, unless one is asked for already.
    fn request(&self) {
        if self.frame.get().is_some() {
            return;
        }
        if let Some(on_frame) = self.on_frame.borrow().as_ref()
            && let Ok(id) = self.window.request_animation_frame(on_frame.as_ref().unchecked_ref())
        {
            self.frame.set(Some(id));
        }
    }

    /// Stops listening, and cancels a pending frame (its closure is about to be dropped).
    fn stop(&self) {
        self.listeners.take();
        if let Some(id) = self.frame.take() {
            let _ = self.window.cancel_animation_frame(id);
        }
        self.on_frame.take();
    }
}

/// Whether the page is being printed: between the `beforeprint` and
/// `afterprint` events, or while the print media query matches (as when a
/// test emulates print media).
///
/// The print button sends `beforeprint` itself before asking the browser to
/// print (`hooks/export.rs`): the event the browser sends from inside
/// `window.print()` comes too late for the page to render before it is printed.
#[hook]
pub fn use_printing() -> bool {
    let printing = use_state_eq(|| false);
    {
        let printing = printing.clone();
        use_effect_with((), move |()| {
            let listeners = web_sys::window().map(|window| {
                let mut listeners = vec![
                    EventListener::new(&window, "beforeprint", {
                        let printing = printing.clone();
                        move |_| printing.set(true)
                    }),
                    EventListener::new(&window, "afterprint", {
                        let printing = printing.clone();
                        move |_| printing.set(false)
                    }),
                ];
                if let Ok(Some(query)) = window.match_media("print") {
                    let target: &MediaQueryList = &query;
                    listeners.push(EventListener::new(target, "change", {
                        let query = query.clone();
                        move |_| printing.set(query.matches())
                    }));
                }
                listeners
            });
            move || drop(listeners)
        });
    }
    *printing
}

/// Measures each rendered step of `list` (an item with a `data-step`
/// index) once it is laid out and whenever its size changes, handing
/// `on_measured` its height from its top to the next step's (border box and
/// bottom margin).
///
/// A `ResizeObserver` reports after layout and before paint, so measuring
/// forces no extra layout; each render re-observes the steps it rendered.
#[hook]
pub fn use_step_heights(list: &NodeRef, enabled: bool, on_measured: Callback<Vec<(usize, f64)>>) {
    let latest = use_mut_ref(|| on_measured.clone());
    *latest.borrow_mut() = on_measured;
    let observer = use_memo(enabled, move |&enabled| {
        if !enabled {
            return None;
        }
        let on_resize = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let measured: Vec<(usize, f64)> = entries
                .iter()
                .filter_map(|entry| entry.dyn_into::<ResizeObserverEntry>().ok())
                .filter_map(|entry| measure(&entry.target()))
                .collect();
            if measured.is_empty() {
                return;
            }
            // Handed over in a task of its own, after this frame: a render
            // right away (Yew renders in a microtask) would change what is
            // observed while the browser delivers observations, which it
            // reports as an error ("ResizeObserver loop completed with
            // undelivered notifications").
            let latest = latest.clone();
            spawn_local(async move {
                sleep(Duration::ZERO).await;
                latest.borrow().emit(measured);
            });
        });
        let observer = ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
        Some(Observer { observer, _on_resize: on_resize })
    });
    let list = list.clone();
    use_effect(move || {
        let Some(observer) = observer.as_ref() else {
            return;
        };
        let Some(list) = list.cast::<Element>() else {
            return;
        };
        observer.observer.disconnect();
        let items = list.children();
        for item in (0..items.length()).filter_map(|index| items.item(index)) {
            if item.has_attribute("data-step") {
                observer.observer.observe(&item);
            }
        }
    });
}

/// A `ResizeObserver` and the closure it calls, dropped together.
struct Observer {
    observer: ResizeObserver,
    _on_resize: Closure<dyn Fn(js_sys::Array)>,
}

impl Drop for Observer {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// A rendered step's index and height, margin included.
fn measure(item: &Element) -> Option<(usize, f64)> {
    let step = item.get_attribute("data-step")?.parse().ok()?;
    let margin = web_sys::window().and_then(|window| computed_px(&window, item, "margin-bottom")).unwrap_or(0.0);
    Some((step, item.get_bounding_client_rect().height() + margin))
}
