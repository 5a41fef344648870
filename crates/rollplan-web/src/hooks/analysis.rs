//! Analysing the description once typing pauses.
//!
//! Validation and planning take a few milliseconds for a real cluster but can
//! take seconds for a description of hundreds of nodes, and they run on the
//! page's only thread. Running them on every keystroke would make typing
//! stutter, so an edit only records the text, and the analysis runs once the
//! text has not changed for a while: [`ANALYSIS_DELAY`], or longer when the
//! last analysis was slow ([`delay_after`]), so that someone typing into a
//! huge description is not interrupted at every short pause.
//!
//! Each keystroke starts a timer for its revision; a timer that wakes up to a
//! newer revision does nothing. (The reducer would also ignore an analysis of
//! an old revision, see `state.rs`; skipping the dispatch keeps the measured
//! cost that of real analyses.)

use std::time::Duration;

use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use crate::state::{Action, State};

/// Long enough to stay out of the way of typing, short enough to feel live.
pub const ANALYSIS_DELAY: Duration = Duration::from_millis(200);

/// The longest wait, however slow the analysis: the page must still feel live.
pub const MAX_ANALYSIS_DELAY: Duration = Duration::from_secs(2);

/// How long typing must pause before analysing, given what the last analysis cost.
///
/// Waiting about twice the cost keeps the page responsive for at least two
/// thirds of the time while someone types into a slow description.
pub fn delay_after(last_cost: Duration) -> Duration {
    (last_cost * 2).clamp(ANALYSIS_DELAY, MAX_ANALYSIS_DELAY)
}

/// Dispatches [`Action::Analyze`] once the text has not changed for a while.
#[hook]
pub fn use_debounced_analysis(state: &UseReducerHandle<State>) {
    let stale = state.is_stale();
    let dispatcher = state.dispatcher();
    // The newest revision seen, and what the last analysis cost: shared with the timers.
    let latest = use_mut_ref(|| 0_u64);
    let last_cost = use_mut_ref(|| Duration::ZERO);
    use_effect_with(state.revision, move |&revision| {
        *latest.borrow_mut() = revision;
        if stale {
            spawn_local(async move {
                let delay = delay_after(*last_cost.borrow());
                sleep(delay).await;
                if *latest.borrow() != revision {
                    return;
                }
                let started = now_ms();
                dispatcher.dispatch(Action::Analyze { revision });
                let cost = (now_ms() - started).max(0.0);
                *last_cost.borrow_mut() = Duration::from_secs_f64(cost / 1000.0);
            });
        }
    });
}

/// The page's clock, in milliseconds (0 where there is none, as in native tests).
fn now_ms() -> f64 {
    web_sys::window().and_then(|window| window.performance()).map_or(0.0, |performance| performance.now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_longer_after_slow_analyses_within_bounds() {
        assert_eq!(delay_after(Duration::ZERO), ANALYSIS_DELAY);
        assert_eq!(delay_after(Duration::from_millis(5)), ANALYSIS_DELAY);
        assert_eq!(delay_after(Duration::from_millis(400)), Duration::from_millis(800));
        assert_eq!(delay_after(Duration::from_secs(9)), MAX_ANALYSIS_DELAY);
    }
}
