// Drawing the radar's verdicts: on each matched entry a marker and a badge naming the rule(s) (and "in your
// library" for papers the store holds), the matched words highlighted in title, abstract and author names,
// and a small panel counting the matches with a link to each. Only elements are added and the page's own
// text nodes moved into <mark>s (highlight.js); text is set with textContent. Marks can be taken away
// again, leaving the page's text as it was, for the sidecar's answer to replace them.
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
  function entryLine(item, verdict) {
    const { rules } = verdict;
    const tag = item.entry.marker.parent.tagName === "DT" ? "span" : "div";
    const look = `${tag}\u0000${verdict.known}\u0000${rules.join("\u0000")}`;
    let model = looks.get(look);
    if (!model) {
      model = document.createElement(tag);
      model.className = "academichub academichub-entry";
      model.append(span("academichub-marker", "◆", { "aria-hidden": "true" }));
      model.append(span("academichub-badge", rules.join(" · "), { title: t("overlayBadgeTitle", [rules.join(", ")]) }));
      if (verdict.known) model.append(span("academichub-known", t("overlayKnown")));
      looks.set(look, model);
    }
    const line = model.cloneNode(true);
    line.id = `academichub-entry-${item.position + 1}`;
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

  // Marks one entry; returns what to take away to unmark it.
  function markEntry(item, verdict, skip, fresh = false) {
    const { spans } = verdict;
    const label = verdict.rules.join(", ");
    const marks = [];
    marks.push(...highlightPart(item.title, item.entry.title, spans.title, label, skip, fresh));
    if (item.echo && spans.abstract.length) {
      const echoSpans = overlay.echoSpans(item.abstract, item.echo, spans.abstract);
      marks.push(...highlightPart(item.echo, item.entry.abstractEcho, echoSpans, label, skip, fresh));
    }
    marks.push(...highlightPart(item.abstract, item.entry.abstract, spans.abstract, label, skip, fresh));
    for (const [index, authorSpans] of spans.authors) {
      const link = item.authorLinks[index];
      if (!link) continue;
      // The name was read trimmed: its offsets start after the link's leading white space.
      const reading = overlay.readText(link);
      const lead = reading.text.length - reading.text.trimStart().length;
      marks.push(...overlay.highlight(reading, authorSpans.map(([start, end]) => [start + lead, end + lead]), label));
    }
    return { line: entryLine(item, verdict), marks };
  }

  // Takes an entry's marker and highlights away, the page's text nodes back where they were.
  function unmarkEntry(drawn) {
    drawn.line.remove();
    for (const mark of drawn.marks) {
      if (mark.parentNode) mark.replaceWith(...mark.childNodes);
    }
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

  Object.assign(overlay, { markEntry, unmarkEntry, drawPanel });
})();
