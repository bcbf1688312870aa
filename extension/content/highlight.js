// Reading an entry's text and highlighting the radar's spans in it, without harming the page.
//
// The text sent to the radar is the concatenation of the element's own text nodes, so the spans the
// sidecar returns are offsets into those very nodes. Where the browser has the CSS Custom Highlight API,
// each span's piece of a text node becomes a StaticRange in one registered Highlight, painted by
// overlay.css's ::highlight(academichub-hit): the page's DOM is not changed at all, so nothing is laid out
// again. Static ranges, not live ones: the browser updates every live range on every change anywhere in the
// document, which made each element added to or removed from a marked listing cost a quarter of a
// millisecond; a static range stays where it was put, and the overlay paints an entry again when the page
// changes its text (MathJax typesetting, overlay.js). Elsewhere (Firefox before 140) the nodes are split at
// the span's ends and the middle moved into a <mark>. No markup is ever parsed (no innerHTML), and nothing
// inside MathJax's output, or inside TeX that MathJax has yet to typeset, is touched: splitting `$a<b$`
// would break it.
(() => {
  const overlay = (globalThis.AcademicHubOverlay ??= { pages: [] });

  // Text we neither read nor split: MathJax 2 and 3 output, scripts, arXiv's "Title:" labels, our own marks.
  const SKIP = [
    "script",
    "style",
    "noscript",
    "mjx-container",
    "mjx-assistive-mml",
    "math",
    ".MathJax",
    ".MathJax_Preview",
    ".MathJax_Display",
    ".MathJax_SVG",
    ".MJX_Assistive_MathML",
    ".descriptor",
    ".academichub",
  ].join(",");

  // The element's readable text and where each text node starts in it. `skip` adds a page's own selectors
  // to SKIP. A plain walk of the children: an element is tested once, and a skipped one with its subtree.
  function readText(element, skip) {
    const reading = { text: "", nodes: [] };
    if (element) collect(element, skip ? `${SKIP},${skip}` : SKIP, reading);
    return reading;
  }

  function collect(parent, skipped, reading) {
    for (let node = parent.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === Node.TEXT_NODE) {
        reading.nodes.push({ node, start: reading.text.length });
        reading.text += node.data;
      } else if (node.nodeType === Node.ELEMENT_NODE && !node.matches(skipped)) {
        collect(node, skipped, reading);
      }
    }
  }

  // TeX not yet typeset: $...$, $$...$$, \(...\), \[...\]. A backslash-escaped \$ is a dollar sign.
  const TEX = /\$\$[\s\S]+?\$\$|(?<!\\)\$(?:\\.|[^$\\])+?\$|\\\([\s\S]+?\\\)|\\\[[\s\S]+?\\\]/g;

  function texRanges(text) {
    return [...text.matchAll(TEX)].map((m) => [m.index, m.index + m[0].length]);
  }

  // Spans sorted, merged, inside the text, and never overlapping TeX.
  function cleanSpans(spans, text) {
    const tex = texRanges(text);
    const sorted = spans
      .filter((s) => Array.isArray(s) && Number.isInteger(s[0]) && Number.isInteger(s[1]))
      .map(([s, e]) => [Math.max(0, s), Math.min(text.length, e)])
      .filter(([s, e]) => s < e && !tex.some(([ts, te]) => s < te && e > ts))
      .sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const span of sorted) {
      const last = merged[merged.length - 1];
      if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
      else merged.push([...span]);
    }
    return merged;
  }

  // The name of our Highlight in CSS.highlights (overlay.css styles ::highlight(academichub-hit)).
  const HIGHLIGHT = "academichub-hit";
  // How highlights are drawn: "ranges" where the browser has the Highlight API, else "marks". Tests set it.
  overlay.paint = typeof Highlight === "function" && globalThis.CSS?.highlights ? "ranges" : "marks";

  // Our one Highlight, registered on first use (again if the page cleared the registry).
  let painted = null;
  function highlightSet() {
    if (!painted || CSS.highlights.get(HIGHLIGHT) !== painted) {
      painted = CSS.highlights.get(HIGHLIGHT) ?? new Highlight();
      CSS.highlights.set(HIGHLIGHT, painted);
    }
    return painted;
  }

  function wrap(node, title) {
    const mark = document.createElement("mark");
    mark.className = "academichub academichub-hit";
    if (title) mark.title = title;
    node.parentNode.insertBefore(mark, node);
    mark.appendChild(node);
    return mark;
  }

  // [node, from, to] of each text node's piece of each span, left to right; white space alone is left out.
  function pieces(reading, spans) {
    const out = [];
    const { text, nodes } = reading;
    let first = 0;
    for (const [start, end] of cleanSpans(spans, text)) {
      while (first < nodes.length && nodes[first].start + nodes[first].node.data.length <= start) first += 1;
      for (let i = first; i < nodes.length && nodes[i].start < end; i += 1) {
        const { node, start: at } = nodes[i];
        const from = Math.max(0, start - at);
        const to = Math.min(node.data.length, end - at);
        if (from < to && node.data.slice(from, to).trim()) out.push([node, from, to]);
      }
    }
    return out;
  }

  // Highlights `spans` ([start, end) offsets into readText(element).text). Returns what was drawn (ranges
  // or marks), for unhighlight. `title` (the rules) goes on each mark; ranges have no element to carry it.
  function highlight(reading, spans, title) {
    const found = pieces(reading, spans);
    if (overlay.paint === "ranges") {
      const set = highlightSet();
      return found.map(([node, from, to]) => {
        const range = new StaticRange({ startContainer: node, startOffset: from, endContainer: node, endOffset: to });
        set.add(range);
        return range;
      });
    }
    // Right to left: splitting a node keeps the earlier text in the same node, so the offsets of the
    // pieces still to do stay valid.
    const marks = [];
    for (let k = found.length - 1; k >= 0; k -= 1) {
      const [node, from, to] = found[k];
      if (to < node.data.length) node.splitText(to);
      marks.push(wrap(from > 0 ? node.splitText(from) : node, title));
    }
    return marks.reverse();
  }

  // Takes highlights away again, the page's text nodes back where they were.
  function unhighlight(drawn) {
    for (const item of drawn) {
      if (!(item instanceof Node)) painted?.delete(item);
      else if (item.parentNode) item.replaceWith(...item.childNodes);
    }
  }

  // The element's text now, and how the spans found in `sent` (the text read earlier and sent to the radar)
  // map onto it. MathJax may have typeset in between: it replaces each TeX range, delimiters included, by
  // output we do not read, so the text now is `sent` without its TeX ranges. Any other change (the page
  // rewrote the entry) and the spans are dropped: better no highlight than a wrong one.
  function rebase(sent, element, skip) {
    const now = readText(element, skip);
    if (now.text === sent.text) return { reading: now, map: (spans) => cleanSpans(spans, sent.text) };
    const cuts = []; // [start, end, removed before start] of each TeX range of the sent text
    let stripped = "";
    let last = 0;
    let removed = 0;
    for (const [start, end] of texRanges(sent.text)) {
      stripped += sent.text.slice(last, start);
      cuts.push([start, end, removed]);
      removed += end - start;
      last = end;
    }
    stripped += sent.text.slice(last);
    if (stripped !== now.text) return { reading: now, map: () => [] };
    const shift = (offset) => {
      let before = 0;
      for (const [start, end, removedBefore] of cuts) if (end <= offset) before = removedBefore + end - start;
      return before;
    };
    return {
      reading: now,
      map: (spans) => cleanSpans(spans, sent.text).map(([start, end]) => [start - shift(start), end - shift(start)]),
    };
  }

  // Spans of a full text mapped onto a shortened copy of it, such as arXiv search's "abstract-short" (the
  // first words, then "…"): the same words, at the copy's offsets, cut where the copy ends.
  function echoSpans(full, echo, spans) {
    const core = echo.text.trim().replace(/…$/, "").trimEnd();
    const at = core ? full.text.indexOf(core) : -1;
    if (at < 0) return [];
    const delta = echo.text.indexOf(core) - at;
    return cleanSpans(spans, full.text)
      .filter(([start]) => start < at + core.length)
      .map(([start, end]) => [start + delta, Math.min(end, at + core.length) + delta]);
  }

  overlay.readText = readText;
  overlay.highlight = highlight;
  overlay.unhighlight = unhighlight;
  overlay.rebase = rebase;
  overlay.echoSpans = echoSpans;
})();
