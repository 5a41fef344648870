// rollplan's analysis worker: validates and plans descriptions off the page's
// thread, so that a large description never freezes the page. `cargo xtask
// dist` (xtask/src/dist.rs) writes it into dist/ from this template, filling
// in GLUE (the wasm-bindgen module of this build); the page finds it through
// `<meta name="rollplan-analysis-worker">` (crates/rollplan-web/src/hooks/analysis_worker.rs).
//
// It runs the page's own wasm: the page's first message is the compiled
// `WebAssembly.Module` it already has, so nothing is downloaded or compiled
// again. Then each message `{revision, text}` is answered `{revision, bytes, ms}`
// (the analysis in postcard, as the page reads it back: handover.rs; the
// buffer is transferred, not copied; `ms`, how long the analysis took) or
// `{revision, error}`.
// Messages are handled one at a time, in order; the page sends the next one
// when this one is answered, or terminates the worker to cut a long one short.

import init, { analyzeForPage } from './@GLUE@';

let ready = null;

self.onmessage = async ({ data }) => {
  if (data.module) {
    ready = init({ module_or_path: data.module });
    return;
  }
  const { revision, text } = data;
  try {
    await ready;
    const start = performance.now();
    const bytes = analyzeForPage(text);
    self.postMessage({ revision, bytes, ms: performance.now() - start }, [bytes.buffer]);
  } catch (error) {
    self.postMessage({ revision, error: String(error) });
  }
};
