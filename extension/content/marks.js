// Drawing the radar's verdicts: on each matched entry a marker and a badge naming the rule(s) (and "in your
// library" for papers the store holds), the matched words highlighted in title, abstract and author names,
// and a small panel counting the matches with a link to each. Only elements are added; the words are
// painted as ranges of the page's own text, or where the browser cannot, its text nodes moved into <mark>s
// (highlight.js). The badge's title names the rules and the highlighted words: hovering it (or a screen
// reader's description of it) says what a mark on a word would. Text is set with textContent. Marks can be
// taken away again, leaving the page's text as it was, for the sidecar's answer to replace them.
(() => {
  const overlay = (globalThis.AcademicHubOverlay ??= { pages: [] });

  // Memoized: a marked entry needs two messages, and each getMessage call costs as much as marking a word.
  const messages = new Map();
  const t = (key, subs = []) => {
    const id = `${key}\u0000${subs.join("\u0000")}`;
    if (!messages.has(id)) messages.set(id, chrome.i18n.getMessage(key, subs) || key);
    return messages.get(id);
  };

  function span(className, text, attrs = {}) {
    const node = document.createElement("span");
    node.className = `academichub ${className}`;
    node.textContent = text;
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    return node;
  }

  // One line per look (tag, rules, known), cloned for each entry: a page has few looks and many entries.
  const looks = new Map();
  function entryLine(item, verdict, words) {
    const { rules } = verdict;
    const tag = item.entry.marker.parent.tagName === "DT" ? "span" : "div";
    const look = `${tag}\u0000${verdict.known}\u0000${rules.join("\u0000")}`;
    let model = looks.get(look);
    if (!model) {
      model = document.createElement(tag);
      model.className = "academichub academichub-entry";
      model.append(span("academichub-marker", "◆", { "aria-hidden": "true" }));
      model.append(span("academichub-badge", rules.join(" · ")));
      if (verdict.known) model.append(span("academichub-known", t("overlayKnown")));
      looks.set(look, model);
    }
    const line = model.cloneNode(true);
    line.id = `academichub-entry-${item.position + 1}`;
    const title = t("overlayBadgeTitle", [rules.join(", ")]);
    // The words differ in every entry: the message is looked up once, with a stand-in where they go.
    const listed = words.length ? t("overlayBadgeWords", ["\u0001"]).replace("\u0001", () => words.join(", ")) : "";
    line.children[1].title = listed ? `${title} · ${listed}` : title;
    item.entry.marker.parent.insertBefore(line, item.entry.marker.before);
    return line;
  }

  // Highlights one part of an entry. `fresh`: the page has not changed since it was read (the same task),
  // so the reading is used as it is; else it is read again, as MathJax may have typeset it meanwhile.
  function highlightPart(sent, element, spans, label, skip, fresh) {
    if (!element || !spans.length) return [];
    if (fresh) return overlay.highlight(sent, spans, label);
    const { reading, map } = overlay.rebase(sent, element, skip);
    return overlay.highlight(reading, map(spans), label);
  }

  // The words the spans cover in `text`, each once, in the order met.
  function wordsOf(words, text, spans) {
    for (const [start, end] of spans) {
      const word = text.slice(start, end).trim().replace(/\s+/g, " ");
      if (word && !words.includes(word)) words.push(word);
    }
  }

  // Marks one entry; returns what to take away to unmark it.
  function markEntry(item, verdict, skip, fresh = false) {
    const { marks, words } = highlightEntry(item, verdict, skip, fresh);
    return { line: entryLine(item, verdict, words), marks };
  }

  // Highlights the verdict's words in the entry: {marks (what was drawn), words (their texts, each once)}.
  function highlightEntry(item, verdict, skip, fresh) {
    const { spans } = verdict;
    const label = verdict.rules.join(", ");
    const marks = [];
    const words = [];
    marks.push(...highlightPart(item.title, item.entry.title, spans.title, label, skip, fresh));
    wordsOf(words, item.paper.title, spans.title);
    if (item.echo && spans.abstract.length) {
      const echoSpans = overlay.echoSpans(item.abstract, item.echo, spans.abstract);
      marks.push(...highlightPart(item.echo, item.entry.abstractEcho, echoSpans, label, skip, fresh));
    }
    marks.push(...highlightPart(item.abstract, item.entry.abstract, spans.abstract, label, skip, fresh));
    wordsOf(words, item.paper.abstract, spans.abstract);
    for (const [index, authorSpans] of spans.authors) {
      const link = item.authorLinks[index];
      if (!link) continue;
      // The name was read trimmed: its offsets start after the link's leading white space.
      const reading = overlay.readText(link);
      const lead = reading.text.length - reading.text.trimStart().length;
      marks.push(...overlay.highlight(reading, authorSpans.map(([start, end]) => [start + lead, end + lead]), label));
      wordsOf(words, item.paper.authors[index] ?? "", authorSpans);
    }
    return { marks, words };
  }

  // Takes an entry's marker and highlights away, the page's text nodes back where they were.
  function unmarkEntry(drawn) {
    drawn.line.remove();
    overlay.unhighlight(drawn.marks);
  }

  // The entry's words highlighted again on its text as it is now (the page changed it: MathJax typeset a
  // formula in it); `drawn` ({verdict, line, marks}) is updated.
  function repaintEntry(item, drawn, skip) {
    overlay.unhighlight(drawn.marks);
    drawn.marks = highlightEntry(item, drawn.verdict, skip, false).marks;
  }

  // The elements whose text an entry's highlights lie in: a change inside one may move its words.
  function partsOf(item) {
    const { title, abstract, abstractEcho } = item.entry;
    return [title, abstract, abstractEcho, ...item.authorLinks].filter(Boolean);
  }

  // The panel, drawn anew: `listed` is [{item, verdict}] in page order; `stats` go on it as data-*
  // (bench/overlay.py and the tests read them).
  function drawPanel(listed, stats) {
    document.getElementById("academichub-panel")?.remove();
    const known = listed.filter(({ verdict }) => verdict.known).length;
    const aside = document.createElement("aside");
    aside.id = "academichub-panel";
    aside.className = "academichub academichub-panel";
    aside.setAttribute("aria-label", t("overlayPanelLabel"));
    aside.dataset.matches = String(listed.length);
    aside.dataset.known = String(known);
    for (const [name, value] of Object.entries(stats)) {
      if (value !== null && value !== undefined) aside.dataset[name] = Number.isInteger(value) ? value : value.toFixed(1);
    }
    aside.hidden = listed.length === 0;

    const list = document.createElement("ol");
    list.className = "academichub-panel-list";
    list.id = "academichub-panel-list";
    for (const { item, verdict } of listed) {
      const link = document.createElement("a");
      link.href = `#academichub-entry-${item.position + 1}`;
      link.textContent = item.title.text.trim().replace(/\s+/g, " ") || item.entry.id;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        item.entry.scrollTo.scrollIntoView({ behavior: "smooth", block: "center" });
      });
      const li = document.createElement("li");
      li.append(link, span("academichub-panel-rules", verdict.rules.join(" · ")));
      list.append(li);
    }

    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "academichub-panel-toggle";
    toggle.setAttribute("aria-expanded", "true");
    toggle.setAttribute("aria-controls", list.id);
    toggle.textContent = listed.length ? t("overlayPanelMatches", [String(listed.length)]) : t("overlayPanelNoMatches");
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      list.hidden = !open;
    });
    aside.append(toggle);
    if (known) aside.append(span("academichub-panel-known", t("overlayPanelKnown", [String(known)])));
    aside.append(list);
    document.body.append(aside);
    return aside;
  }

  Object.assign(overlay, { markEntry, unmarkEntry, repaintEntry, partsOf, drawPanel });
})();
