// The overlay's features and the helpers they share, after refined-github's shape: a feature is the pages
// it runs on (pages/: selectors and how to read an entry) plus `init(signal, page)`; when and how often
// things happen (after the page is parsed, in batches, again when the tab is shown) lives here, so a
// feature says only what it does. The signal aborts when the page goes away.
(() => {
  const overlay = (globalThis.AcademicHubOverlay ??= { pages: [] });
  const features = [];
  const scriptsFrom = performance.now(); // the overlay's scripts run from here to overlay.js's end

  function add(name, { include, init }) {
    features.push({ name, include, init });
  }

  // Starts each feature that runs on this page. Injected at document_start: a feature asks the sidecar
  // what it needs while the page loads, and touches the page only once it is parsed (afterReady).
  function run(location) {
    overlay.scriptsMs = performance.now() - scriptsFrom;
    const controller = new AbortController();
    addEventListener("pagehide", () => controller.abort(), { once: true });
    for (const feature of features) {
      const page = feature.include.find((candidate) => candidate.matches(location));
      if (!page) continue;
      feature.init(controller.signal, page).catch(() => {
        // The page is the reader's: a feature that fails stays quiet.
      });
    }
  }

  // Resolves right after DOMContentLoaded, outside the event: the page is parsed, and the event's end (when
  // the page counts as ready) does not wait for what the feature does next. Whichever comes first: the
  // load event, a task of the highest priority, or the first frame's animation callbacks. Where the page's
  // other resources are in by the time it is parsed, Chromium fires load in the same task as
  // DOMContentLoaded and then lays the whole page out before any other task or frame (24-50 ms after ready
  // for a 1,000-entry listing on a busy machine); in the load event the marks go in before that layout,
  // and are laid out with the page, once. Elsewhere the first frame's callbacks run before its layout.
  function afterReady(signal) {
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        if (signal.aborted) reject(signal.reason);
        else resolve();
      };
      const go = () => {
        if (document.readyState !== "complete") addEventListener("load", settle, { once: true, signal });
        requestAnimationFrame(settle);
        if (globalThis.scheduler?.postTask) scheduler.postTask(settle, { priority: "user-blocking" });
        else setTimeout(settle);
      };
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", go, { once: true, signal });
      else go();
    });
  }

  // Calls `task` each time the reader comes back to the tab, until the signal aborts.
  function whenShownAgain(signal, task) {
    document.addEventListener(
      "visibilitychange",
      () => {
        if (document.visibilityState === "visible" && document.readyState !== "loading") task();
      },
      { signal },
    );
  }

  function chunks(items, size) {
    const out = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  }

  // Entries on screen and below it first (the reader looks there), then the ones above, nearest first.
  function onScreenFirst(items, elementOf) {
    const below = (item) => elementOf(item).getBoundingClientRect().bottom >= 0;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (below(items[mid])) hi = mid;
      else lo = mid + 1;
    }
    return [...items.slice(lo), ...items.slice(0, lo).reverse()];
  }

  // Runs `work` on each batch, `lanes` at a time, until it returns false (the rest is left undone).
  async function inBatches(batches, lanes, work) {
    const queue = [...batches];
    let going = true;
    const lane = async () => {
      while (going && queue.length) going = (await work(queue.shift())) !== false && going;
    };
    await Promise.all(Array.from({ length: lanes }, lane));
  }

  overlay.features = { add, run, afterReady, whenShownAgain, chunks, onScreenFirst, inBatches };
})();
