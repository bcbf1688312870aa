// Feed text with TeX in it, typeset as arXiv's own pages typeset it: the delimiters of arXiv's MathJax set-up
// (inline $...$ and \(...\), display $$...$$ and \[...\], \$ for a dollar sign), rendered by the vendored
// KaTeX (extension/vendor/katex, a classic script that defines globalThis.katex).
//
// Feed text is hostile until proven otherwise. The text between formulas goes in as text nodes; a formula
// goes through katex.render, which builds its output with createElement (no HTML parsing) and, with
// trust: false, refuses \href, \url, \includegraphics and the \html... commands. Each render gets its own
// macro table, so one title's \gdef cannot reach another. Formulas that are too long or nested too deep
// for a title (a hostile 50 KB one) are not handed to KaTeX at all, and whatever KaTeX cannot parse shows
// as its TeX source, as it stood in the feed.
//
// Every formula's element carries its source in data-tex: copying text gives the TeX back (copyAsTex).

const MAX_FORMULA = 2000; // characters: far beyond any real title's or abstract's formula
const MAX_DEPTH = 40; // nested groups
const MAX_FORMULAS = 60; // per text; the rest stay source

// KaTeX asks `trust` before every command that could link, load or style (\href, \url, \includegraphics,
// \htmlClass, \htmlId, \htmlStyle, \htmlData). The answer is always no, as with trust: false; asking at
// all makes the formula show as its source rather than as KaTeX's red command name.
class Untrusted extends Error {}
function refuse() {
  throw new Untrusted();
}

const OPTIONS = Object.freeze({
  throwOnError: true, // a parse error is caught below and the source shown instead of KaTeX's red message
  trust: refuse,
  strict: "ignore",
  maxExpand: 200, // macro expansions per formula: \def loops end here
  maxSize: 20, // em: no \rule or \kern the size of the screen
  output: "htmlAndMathml", // the MathML half is what screen readers read
});

const DELIMITERS = [
  // [open, close, display]; the longer opening first, so $$ is not taken for an empty $...$
  ["$$", "$$", true],
  ["$", "$", false],
  ["\\(", "\\)", false],
  ["\\[", "\\]", true],
];

const MAYBE_TEX = /[$]|\\[([]/;

export const hasTex = (text) => typeof text === "string" && MAYBE_TEX.test(text);

// Where `close` ends the formula that starts at `from`, as MathJax's tex2jax looks for it: braces must be
// balanced first, and a backslash escapes the next character. -1 when it never closes.
function closing(text, from, close) {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (depth === 0 && text.startsWith(close, i)) return i;
    const c = text[i];
    if (c === "\\") i++;
    else if (c === "{") depth++;
    else if (c === "}" && depth > 0) depth--;
  }
  return -1;
}

// The text as pieces: {text} for prose, {tex, source, display} for a formula, {escape} for \$.
export function pieces(text) {
  const out = [];
  let plain = 0; // where the current run of prose began
  const flush = (end) => {
    if (end > plain) out.push({ text: text.slice(plain, end) });
  };
  for (let i = 0; i < text.length; ) {
    if (text.startsWith("\\$", i)) {
      flush(i);
      out.push({ escape: "\\$", text: "$" });
      i += 2;
      plain = i;
      continue;
    }
    const found = DELIMITERS.find(([open]) => text.startsWith(open, i));
    if (!found) {
      i += text[i] === "\\" ? 2 : 1;
      continue;
    }
    const [open, close, display] = found;
    const end = closing(text, i + open.length, close);
    const tex = end < 0 ? "" : text.slice(i + open.length, end);
    if (!tex.trim()) {
      i += open.length; // not a formula: an unmatched or empty delimiter is text
      continue;
    }
    flush(i);
    out.push({ tex, display, source: text.slice(i, end + close.length) });
    i = end + close.length;
    plain = i;
  }
  flush(text.length);
  return out;
}

function depth(tex) {
  let level = 0;
  let deepest = 0;
  for (let i = 0; i < tex.length; i++) {
    const c = tex[i];
    if (c === "\\") i++;
    else if (c === "{") deepest = Math.max(deepest, ++level);
    else if (c === "}") level = Math.max(0, level - 1);
  }
  return deepest;
}

function sourceOnly(node, source) {
  node.textContent = source;
  node.classList.add("tex-source");
}

// One formula into `node` (its element); false when it shows as source.
function typeset(node, { tex, display, source }) {
  const katex = globalThis.katex;
  if (!katex || tex.length > MAX_FORMULA || depth(tex) > MAX_DEPTH) {
    sourceOnly(node, source);
    return false;
  }
  try {
    katex.render(tex, node, { ...OPTIONS, displayMode: display });
    return true;
  } catch {
    // A ParseError, a command that asked for trust (Untrusted), or a RangeError from a formula built to
    // exhaust the stack: the source, as written.
    node.replaceChildren();
    sourceOnly(node, source);
    return false;
  }
}

// KaTeX loads beside the page's own modules (an async script: the popup's modules need not wait for it);
// resolves once it has loaded, or failed to, after which formulas that cannot be typeset show as source.
export function texReady() {
  if (globalThis.katex) return Promise.resolve();
  const script = document.querySelector("script[data-katex]");
  if (!script) return Promise.resolve();
  return new Promise((resolve) => {
    script.addEventListener("load", resolve, { once: true });
    script.addEventListener("error", resolve, { once: true });
  });
}

// ---- typesetting later: what is not on the first screen waits until it nears the view, or the browser idles ----

const pending = new WeakMap(); // a formula's element -> its piece, until typeset
const waiting = new Set(); // elements holding formulas not yet typeset
let nearView = null;
let idleAsked = false;

function typesetWaiting(node) {
  waiting.delete(node);
  nearView?.unobserve(node);
  for (const span of node.querySelectorAll(".tex-pending")) {
    span.classList.remove("tex-pending");
    typeset(span, pending.get(span));
    pending.delete(span);
  }
}

function whenIdle(deadline) {
  idleAsked = false;
  for (const node of waiting) {
    if (deadline.timeRemaining() < 4 && !deadline.didTimeout) break;
    typesetWaiting(node);
  }
  if (waiting.size) askIdle();
}

function askIdle() {
  if (idleAsked) return;
  idleAsked = true;
  // Firefox and Chromium both have requestIdleCallback; the timeout bounds the wait on a busy page.
  requestIdleCallback(whenIdle, { timeout: 1000 });
}

function wait(node) {
  nearView ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) if (entry.isIntersecting) typesetWaiting(entry.target);
    },
    { rootMargin: "50% 0px" },
  );
  waiting.add(node);
  nearView.observe(node);
  askIdle();
}

// Fills `node` with `text`, its formulas typeset. Text without a delimiter costs one textContent.
// `later`: the formulas show as their source at first and are typeset when the element nears the view or
// the browser has a moment (typesetting takes about four times as long as the text itself: the popup's first
// screen is typeset at once, the rest of its cards after).
export function setTexText(node, text, { later = false } = {}) {
  if (!hasTex(text)) {
    node.textContent = text ?? "";
    return node;
  }
  const parts = [];
  let formulas = 0;
  for (const piece of pieces(text)) {
    if (piece.escape) {
      const span = document.createElement("span");
      span.dataset.tex = piece.escape;
      span.textContent = piece.text;
      parts.push(span);
    } else if (piece.tex === undefined) {
      parts.push(piece.text);
    } else {
      const span = document.createElement("span");
      span.className = piece.display ? "tex tex-display" : "tex";
      span.dataset.tex = piece.source;
      if (++formulas > MAX_FORMULAS) {
        sourceOnly(span, piece.source);
      } else if (later) {
        span.textContent = piece.source;
        span.classList.add("tex-pending");
        pending.set(span, piece);
      } else {
        typeset(span, piece);
      }
      parts.push(span);
    }
  }
  node.replaceChildren(...parts);
  if (later && formulas) wait(node);
  return node;
}

// What a selection copies as text, each formula as its TeX source: the source annotation (data-tex) stands
// in for KaTeX's two renderings (its MathML and its HTML both hold text a reader did not mean to copy).
export function selectedSource(selection) {
  let out = "";
  for (let r = 0; r < selection.rangeCount; r++) {
    const range = selection.getRangeAt(r);
    const start = range.commonAncestorContainer;
    const inside = (start.nodeType === Node.ELEMENT_NODE ? start : start.parentElement)?.closest("[data-tex]");
    if (inside) {
      out += inside.dataset.tex; // a selection within one formula copies all of it
      continue;
    }
    const fragment = range.cloneContents();
    for (const node of fragment.querySelectorAll("[data-tex]")) node.replaceWith(node.dataset.tex);
    out += fragment.textContent;
  }
  return out;
}

// Copy handler for a page that shows typeset text: only selections that touch a formula are rewritten.
export function copyAsTex(root = document) {
  root.addEventListener("copy", (event) => {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || !event.clipboardData) return;
    let touches = false;
    for (let r = 0; r < selection.rangeCount && !touches; r++) {
      const range = selection.getRangeAt(r);
      const start = range.commonAncestorContainer;
      const element = start.nodeType === Node.ELEMENT_NODE ? start : start.parentElement;
      touches = Boolean(element?.closest("[data-tex]") || range.cloneContents().querySelector("[data-tex]"));
    }
    if (!touches) return;
    event.clipboardData.setData("text/plain", selectedSource(selection));
    event.preventDefault();
  });
}
