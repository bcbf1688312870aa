// The radar on arXiv pages: finds each paper on the page by its arXiv id (never by its title, which
// MathJax rewrites), asks the radar through the service worker (a content script cannot reach 127.0.0.1),
// and marks every match: a marker and a badge naming the rule(s) on the entry, the matched words
// highlighted in title and abstract, and a small panel counting the matches with a link to each.
// Matched papers already in the store are shown as known (the radar says so for the papers it matches).
//
// It never harms the page: it only adds elements and moves the page's own text nodes into <mark>s, sets
// text with textContent, and when the sidecar is not running it shows nothing and throws nothing; it
// tries again a few times, and on the next visit to the tab, so it works as soon as the sidecar is up.
(() => {
  const overlay = globalThis.AcademicHubOverlay;
  const P = globalThis.AcademicHubProtocol;
  const t = (key, subs) => chrome.i18n.getMessage(key, subs) || key;

  // "/abs/2606.13016", "https://arxiv.org/abs/2606.13016v2", "/abs/hep-th/9901001" -> bare id.
  const ABS_ID = /\/abs\/((?:[a-z-]+(?:\.[A-Za-z]{2})?\/\d{7})|(?:\d{4}\.\d{4,5}))(?:v\d+)?(?:[?#/]|$)/;
  const BARE_ID = /^((?:[a-z-]+(?:\.[A-Za-z]{2})?\/\d{7})|(?:\d{4}\.\d{4,5}))(?:v\d+)?$/;
  overlay.arxivIdFromHref = (href) => (href ? (ABS_ID.exec(href)?.[1] ?? null) : null);
  overlay.bareArxivId = (text) => (text ? (BARE_ID.exec(text.trim())?.[1] ?? null) : null);

  const RETRY_SECONDS = [2, 5, 10, 20, 40, 60, 120, 300];
  const GIVE_UP = new Set([P.ErrorCode.BAD_MESSAGE, P.ErrorCode.API]);

  // One element per author where the page links each name (listing, abstract and search pages do).
  function authorElements(element) {
    return element ? [...element.querySelectorAll("a")].filter((a) => a.textContent.trim()) : [];
  }

  function authorNames(element, links) {
    if (links.length) return links.map((a) => a.textContent.trim());
    const { text } = overlay.readText(element);
    return text.split(",").map((s) => s.trim()).filter(Boolean);
  }

  // arXiv categories in a subjects line: "Machine Learning (cs.LG); Artificial Intelligence (cs.AI)",
  // or bare "cs.AI"; archives without subject classes (quant-ph, hep-th, gr-qc) have a dash and no dot.
  const CATEGORY = /(?:^|[\s(;,])([a-z]+(?:-[a-z]+)?\.[A-Za-z]+(?:-[a-z]+)?|[a-z]+-[a-z]+)(?=[\s);,]|$)/g;

  function categories(element) {
    if (!element) return [];
    return [...new Set([...element.textContent.matchAll(CATEGORY)].map((m) => m[1]))];
  }

  function read(page) {
    return page.entries(document).map((entry) => {
      const title = overlay.readText(entry.title, page.skip);
      const abstract = overlay.readText(entry.abstract, page.skip);
      const echo = entry.abstractEcho ? overlay.readText(entry.abstractEcho, page.skip) : null;
      const authorLinks = authorElements(entry.authors);
      return {
        entry,
        title,
        abstract,
        echo,
        authorLinks,
        paper: {
          id: `arxiv:${entry.id}`,
          title: title.text,
          abstract: abstract.text,
          authors: authorNames(entry.authors, authorLinks),
          categories: categories(entry.subjects),
        },
      };
    });
  }

  // The radar's answer for one paper: the rules that hit and, per field, the [start, end) spans matched
  // (RadarHit offsets into the very strings this script sent; an author hit's into that author's name).
  function hitsOf(match) {
    const rules = new Set();
    const spans = { title: [], abstract: [], authors: new Map() };
    for (const hit of match.hits ?? []) {
      rules.add(hit.rule);
      if (hit.field === "authors") {
        if (!spans.authors.has(hit.author)) spans.authors.set(hit.author, []);
        spans.authors.get(hit.author).push([hit.start, hit.end]);
      } else {
        spans[hit.field]?.push([hit.start, hit.end]);
      }
    }
    return { rules: [...rules].filter(Boolean), spans };
  }

  function span(className, text, attrs = {}) {
    const node = document.createElement("span");
    node.className = `academichub ${className}`;
    node.textContent = text;
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    return node;
  }

  function markEntry(item, number, rules, known) {
    const line = document.createElement(item.entry.marker.parent.tagName === "DT" ? "span" : "div");
    line.className = "academichub academichub-entry";
    line.id = `academichub-entry-${number}`;
    if (rules.length) {
      line.append(span("academichub-marker", "◆", { "aria-hidden": "true" }));
      line.append(span("academichub-badge", rules.join(" · "), { title: t("overlayBadgeTitle", [rules.join(", ")]) }));
    }
    if (known) line.append(span("academichub-known", t("overlayKnown")));
    item.entry.marker.parent.insertBefore(line, item.entry.marker.before);
  }

  function panel(listed, known, elapsed) {
    const aside = document.createElement("aside");
    aside.id = "academichub-panel";
    aside.className = "academichub academichub-panel";
    aside.setAttribute("aria-label", t("overlayPanelLabel"));
    aside.dataset.matches = String(listed.length);
    aside.dataset.known = String(known);
    aside.dataset.ms = elapsed.toFixed(1); // for bench/overlay.py
    aside.hidden = listed.length === 0 && known === 0;

    const list = document.createElement("ol");
    list.className = "academichub-panel-list";
    list.id = "academichub-panel-list";
    for (const { item, number, rules } of listed) {
      const link = document.createElement("a");
      link.href = `#academichub-entry-${number}`;
      link.textContent = item.title.text.trim().replace(/\s+/g, " ") || item.entry.id;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        item.entry.scrollTo.scrollIntoView({ behavior: "smooth", block: "center" });
      });
      const li = document.createElement("li");
      li.append(link, span("academichub-panel-rules", rules.join(" · ")));
      list.append(li);
    }

    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "academichub-panel-toggle";
    toggle.setAttribute("aria-expanded", "true");
    toggle.setAttribute("aria-controls", list.id);
    toggle.textContent = listed.length
      ? t("overlayPanelMatches", [String(listed.length)])
      : t("overlayPanelNoMatches");
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      list.hidden = !open;
    });
    const summary = known ? span("academichub-panel-known", t("overlayPanelKnown", [String(known)])) : null;
    aside.append(toggle);
    if (summary) aside.append(summary);
    aside.append(list);
    document.body.append(aside);
  }

  function apply(items, answer, started) {
    const byId = new Map((answer.matches ?? []).map((m) => [m.id, m]));
    const listed = [];
    let known = 0;
    for (const item of items) {
      const match = byId.get(item.paper.id);
      if (!match) continue;
      const { rules, spans } = hitsOf(match);
      const label = rules.join(", ");
      overlay.highlight(item.title, spans.title, label);
      overlay.highlight(item.abstract, spans.abstract, label);
      if (item.echo && item.abstract.text.startsWith(item.echo.text.trimEnd())) {
        overlay.highlight(item.echo, spans.abstract, label);
      }
      for (const [index, authorSpans] of spans.authors) {
        const link = item.authorLinks[index];
        if (link) overlay.highlight(overlay.readText(link), authorSpans, label);
      }
      if (match.known) known += 1;
      const number = listed.length + 1;
      markEntry(item, number, rules, match.known);
      listed.push({ item, number, rules });
    }
    panel(listed, known, performance.now() - started);
  }

  const page = overlay.pages.find((candidate) => candidate.matches(location));
  let attempt = 0;
  let done = false;
  let busy = false;

  async function run() {
    if (done || busy || !page) return;
    busy = true;
    try {
      const started = performance.now();
      const items = read(page);
      if (!items.length) {
        done = true;
        return;
      }
      const reply = await P.matchRadar(items.map((item) => item.paper));
      if (reply.ok) {
        done = true;
        apply(items, reply.data, started);
      } else if (GIVE_UP.has(reply.error?.code)) {
        done = true; // the sidecar answered "no": nothing to show on this page
      } else if (attempt < RETRY_SECONDS.length) {
        setTimeout(run, RETRY_SECONDS[attempt++] * 1000);
      }
    } catch {
      // Whatever went wrong, the page is the reader's: stay quiet.
    } finally {
      busy = false;
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") run();
  });
  run();
})();
