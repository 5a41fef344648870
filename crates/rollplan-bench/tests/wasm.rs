//! The native table's cases compiled to wasm and timed in headless Chromium
//! with `performance.now()`: the same generator and the same timing routine
//! as `src/main.rs`, so `cargo xtask bench-wasm` can print the two side by side
//! with their ratio. Only meaningful in a release build:
//!
//! ```sh
//! CHROMEDRIVER=/usr/bin/chromedriver \
//! WASM_BINDGEN_TEST_WEBDRIVER_JSON=$PWD/crates/rollplan-web/webdriver.json \
//! ROLLPLAN_BENCH_CASES=ring:64,any-owner:64x20 \
//!   cargo test --release -p rollplan-bench --target wasm32-unknown-unknown --test wasm -- --nocapture
//! ```
//!
//! The cases are read when the test is compiled (`ROLLPLAN_BENCH_CASES`, else
//! the ring sizes of `ROLLPLAN_BENCH_SIZES`, else every shape at 64x20, 64,
//! 512 and 4096): the browser has no environment. Each line is printed as
//! soon as its case is measured, so a case that fails or runs out of time
//! leaves the earlier lines standing.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Long enough for Chromium to optimise the hot functions (its compiler works
/// in the background), on a loaded two-core machine too.
const WARM_UP_MS: f64 = 2000.0;

/// The page's import of a `kubectl get nodes -o json` of 500 nodes, alone and
/// with the analysis of the description it makes.
#[wasm_bindgen_test]
#[cfg_attr(debug_assertions, ignore = "a debug build's times mean nothing: cargo test --release")]
fn import_and_plan_a_node_list() {
    let performance = web_sys::window().expect("a browser window").performance().expect("the Performance API");
    rollplan_bench::warm_up(|| performance.now(), WARM_UP_MS);
    for nodes in [6, 500] {
        match rollplan_bench::measure_import(nodes, || performance.now()) {
            Ok((import, whole)) => console_log!(
                "import kubectl get nodes ({nodes} nodes, {} bytes): import {:.3} ms, import+validate+plan {:.3} ms",
                rollplan_bench::node_list(nodes).len(),
                import.median_ms,
                whole.median_ms
            ),
            Err(reason) => panic!("{nodes} nodes: {reason}"),
        }
    }
}

#[wasm_bindgen_test]
#[cfg_attr(debug_assertions, ignore = "a debug build's times mean nothing: cargo test --release")]
async fn validate_and_plan_generated_clusters() {
    let cases = rollplan_bench::cases_from(option_env!("ROLLPLAN_BENCH_CASES"), option_env!("ROLLPLAN_BENCH_SIZES"))
        .unwrap_or_else(|error| panic!("{error}"));
    let window = web_sys::window().expect("a browser window");
    let performance = window.performance().expect("the Performance API");
    rollplan_bench::warm_up(|| performance.now(), WARM_UP_MS);
    console_log!("{}", rollplan_bench::HEADER);
    for case in cases {
        let row = rollplan_bench::measure(case, || performance.now());
        console_log!("{}", row.line());
        // Let the page breathe, so the runner sees (and prints) the line now.
        let tick = js_sys::Promise::new(&mut |resolve, _| {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        });
        let _ = JsFuture::from(tick).await;
    }
}
