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
  // Memoized: a marked entry needs two messages, and each getMessage call costs as much as marking a word.
  const messages = new Map();
  const t = (key, subs = []) => {
    const id = JSON.stringify([key, subs]);
    if (!messages.has(id)) messages.set(id, chrome.i18n.getMessage(key, subs) || key);
    return messages.get(id);
  };

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

  // An entry's text, read just before it is sent (so a batch is read while the sidecar matches the last).
  function readEntry(item) {
    const { entry } = item;
    item.title = overlay.readText(entry.title, page.skip);
    item.abstract = overlay.readText(entry.abstract, page.skip);
    item.echo = entry.abstractEcho ? overlay.readText(entry.abstractEcho, page.skip) : null;
    item.authorLinks = authorElements(entry.authors);
    item.paper = {
      id: `arxiv:${entry.id}`,
      title: item.title.text,
      abstract: item.abstract.text,
      authors: authorNames(entry.authors, item.authorLinks),
      categories: categories(entry.subjects),
    };
    return item.paper;
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

  function markEntry(item, rules, known) {
    const line = document.createElement(item.entry.marker.parent.tagName === "DT" ? "span" : "div");
    line.className = "academichub academichub-entry";
    line.id = `academichub-entry-${item.position + 1}`;
    line.append(span("academichub-marker", "◆", { "aria-hidden": "true" }));
    line.append(span("academichub-badge", rules.join(" · "), { title: t("overlayBadgeTitle", [rules.join(", ")]) }));
    if (known) line.append(span("academichub-known", t("overlayKnown")));
    item.entry.marker.parent.insertBefore(line, item.entry.marker.before);
  }

  function panel(listed, known, timing) {
    const aside = document.createElement("aside");
    aside.id = "academichub-panel";
    aside.className = "academichub academichub-panel";
    aside.setAttribute("aria-label", t("overlayPanelLabel"));
    aside.dataset.matches = String(listed.length);
    aside.dataset.known = String(known);
    // For bench/overlay.py: when the marks were in place (ms since the page began to load), the parts,
    aside.dataset.doneAt = performance.now().toFixed(1);
    // and how many entries were answered from the stored papers, and how many sent to the radar.
    for (const [part, n] of Object.entries(timing)) aside.dataset[part] = Number.isInteger(n) ? n : n.toFixed(1);
    aside.hidden = listed.length === 0;

    const list = document.createElement("ol");
    list.className = "academichub-panel-list";
    list.id = "academichub-panel-list";
    for (const { item, rules } of listed) {
      const link = document.createElement("a");
      link.href = `#academichub-entry-${item.position + 1}`;
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

  // Highlights one part of an entry: re-read now, since MathJax may have typeset it since it was read.
  function highlightPart(sent, element, spans, label) {
    if (!element || !spans.length) return;
    const { reading, map } = overlay.rebase(sent, element, page.skip);
    overlay.highlight(reading, map(spans), label);
  }

  // Marks one batch's matches; returns them as {item, rules, known}.
  function apply(items, answer) {
    const byId = new Map((answer.matches ?? []).map((m) => [m.id, m]));
    const marked = [];
    for (const item of items) {
      const match = byId.get(item.paper.id);
      if (!match) continue;
      const { rules, spans } = hitsOf(match);
      const label = rules.join(", ");
      highlightPart(item.title, item.entry.title, spans.title, label);
      if (item.echo && spans.abstract.length) {
        const echoSpans = overlay.echoSpans(item.abstract, item.echo, spans.abstract);
        highlightPart(item.echo, item.entry.abstractEcho, echoSpans, label);
      }
      highlightPart(item.abstract, item.entry.abstract, spans.abstract, label);
      for (const [index, authorSpans] of spans.authors) {
        const link = item.authorLinks[index];
        if (!link) continue;
        // The name was sent trimmed: its offsets start after the link's leading white space.
        const reading = overlay.readText(link);
        const lead = reading.text.length - reading.text.trimStart().length;
        overlay.highlight(reading, authorSpans.map(([start, end]) => [start + lead, end + lead]), label);
      }
      markEntry(item, rules, match.known);
      marked.push({ item, rules, known: match.known });
    }
    return marked;
  }

  // A 1,000-entry /new listing is about 1.6 MB of text, and Chromium takes most of a second to parse it:
  // the parser stops every 70 ms or so to let the page run, a hundred-odd entries further on each time.
  // So entries are read as they come in (an entry is complete once the next one has begun, or the page
  // has). Most are already known: the sidecar stores the categories the reader follows, and as the page
  // starts loading the overlay asks what the radar says of the stored papers of the listing's category; an
  // entry showing the stored text (the same fingerprint) takes its answer from there. The others are sent
  // to the radar while the parser goes on, and the sidecar matches them in its own process.
  // Marks wait, though: each task that changes the page makes Chromium lay the whole page out again (a
  // tenth of a second on a slow laptop), which made the page a third later to be ready when every answer
  // was marked as it came (bench/overlay.py). So only the first answer, the top of the page the reader is
  // looking at, is marked at once; the others together when the page is ready: at once when every entry
  // was answered from the store (before Chromium lays the page out), else once the last answer is in (the
  // entries of the parser's last stretch, up to half the page, are only read when the page is ready).
  // Entries left unanswered (the sidecar was down) are asked again later: the ones on screen first, alone,
  // then the rest, two batches in flight, so the page reads the next batch while the sidecar matches one.
  const FIRST_BATCH = 30;
  const BATCH = 200;
  const MAX_BATCH = 1000; // about 1.6 MB, well inside what the sidecar takes in one request
  const IN_FLIGHT = 2;

  function onScreenFirst(items) {
    const below = (item) => item.entry.scrollTo.getBoundingClientRect().bottom >= 0;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (below(items[mid])) hi = mid;
      else lo = mid + 1;
    }
    return [...items.slice(lo), ...items.slice(0, lo).reverse()];
  }

  function chunks(items, size) {
    const out = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  }

  const page = overlay.pages.find((candidate) => candidate.matches(location));
  const unanswered = new Set(); // entries read but not answered for
  const marked = [];
  const held = []; // [batch, answer] in, not marked yet
  const timing = { readMs: 0, firstAt: 0, asked: 0, stored: 0 };
  let stored = null; // the radar's say on the stored papers of this listing's category, once it came
  let holding = false; // whether answers wait to be marked with the others
  let read = 0; // how many of the page's entry containers have been read
  let found = 0; // how many of them were papers
  let inFlight = 0; // requests to the radar not answered yet
  let failure = null; // the first error of this round; no more asking until the next
  let attempt = 0;
  let busy = false;

  // The page's entries not read yet; while it loads, without the last one, which may be incomplete.
  function readNew(loading) {
    const containers = page.containers(document);
    const complete = loading ? containers.length - 1 : containers.length;
    const fresh = [];
    for (; read < complete; read += 1) {
      const entry = page.entry(containers[read]);
      if (entry) fresh.push({ entry, position: read });
    }
    for (const item of fresh) unanswered.add(item);
    found += fresh.length;
    return fresh;
  }

  function markHeld() {
    for (const [batch, answer] of held.splice(0)) {
      marked.push(...apply(batch, answer));
      for (const item of batch) unanswered.delete(item);
    }
    if (marked.length && !timing.firstAt) timing.firstAt = performance.now();
    if (document.readyState === "loading") holding = true; // that was the first answer, the top of the page
  }

  // Asks the radar about one batch; its marks go in at once, or with the others when `holding`.
  async function ask(batch) {
    if (failure || !batch.length) return;
    const reading = performance.now();
    const papers = batch.map((item) => item.paper ?? readEntry(item));
    timing.readMs += performance.now() - reading;
    timing.asked += batch.length;
    inFlight += 1;
    const reply = await P.matchRadar(papers).finally(() => (inFlight -= 1));
    if (!reply.ok) {
      failure = failure ?? reply.error;
      return;
    }
    held.push([batch, reply.data]);
    if (!holding) markHeld();
  }

  // On a listing, what the radar says of the stored papers of its category (null: nothing, or no sidecar).
  async function askStored() {
    if (!page.category) return null;
    const reply = await P.radarListing(page.category(location));
    if (!reply.ok) return null;
    return {
      papers: new Map(Object.entries(reply.data.papers ?? {})),
      matches: new Map((reply.data.matches ?? []).map((match) => [match.id, match])),
    };
  }

  // A stored paper's match, its spans moved from the stored title and abstract (`flat`: white space
  // collapsed, as the store keeps it) onto the page's. Mostly the page's text is the stored text between
  // line feeds, and the spans just shift.
  function onPage(match, paper, flat) {
    const movers = {};
    const mover = (field) => {
      const raw = paper[field];
      if (raw.trim() === flat[field]) {
        const lead = raw.length - raw.trimStart().length;
        return (start, end) => [start + lead, end + lead];
      }
      const collapsed = overlay.collapse(raw);
      return (start, end) => overlay.uncollapse(collapsed, [[start, end]])[0] ?? [0, 0];
    };
    const hits = match.hits.map((hit) => {
      if (hit.field === "authors") return hit; // offsets into the name, which is the stored name
      movers[hit.field] ??= mover(hit.field);
      const [start, end] = movers[hit.field](hit.start, hit.end);
      return { ...hit, start, end };
    });
    return { ...match, id: paper.id, hits };
  }

  // Answers the entries of `batch` that show the stored text (the same fingerprint) from `stored`, and marks
  // them as an answer from the radar would be; returns the others, to be sent.
  function answerStored(batch) {
    if (!stored || !batch.length) return batch;
    const reading = performance.now();
    const known = [];
    const rest = [];
    const answer = { matches: [] };
    for (const item of batch) {
      const paper = item.paper ?? readEntry(item);
      const print = stored.papers.get(item.entry.id);
      const flat = print && { title: overlay.collapsed(paper.title), abstract: overlay.collapsed(paper.abstract) };
      if (!print || print !== overlay.fingerprint(flat.title, flat.abstract, paper.authors)) {
        rest.push(item);
        continue;
      }
      known.push(item);
      const match = stored.matches.get(item.entry.id);
      if (match) answer.matches.push(onPage(match, paper, flat));
    }
    timing.readMs += performance.now() - reading;
    timing.stored += known.length;
    if (known.length) {
      held.push([known, answer]);
      if (!holding) markHeld();
    }
    return rest;
  }

  function finish() {
    markHeld();
    if (!failure) {
      marked.sort((a, b) => a.item.position - b.item.position);
      panel(marked, marked.filter((m) => m.known).length, timing);
    } else if (!GIVE_UP.has(failure.code) && attempt < RETRY_SECONDS.length) {
      setTimeout(run, RETRY_SECONDS[attempt++] * 1000); // the rest when the sidecar is back
    }
  }

  // While the page loads: each time the parser pauses, the entries it completed are answered from the
  // stored papers or go out as one batch. When the page is ready and every entry was stored, the marks go
  // in at once, before Chromium first lays the whole page out; otherwise when the last answer is in.
  function stream() {
    const asked = [];
    const waiting = []; // entries read before the stored papers' answer came
    let storedIn = false;
    const send = (items) => {
      for (const batch of chunks(answerStored(items), MAX_BATCH)) asked.push(ask(batch));
    };
    const take = (fresh) => {
      if (storedIn) send(fresh);
      else waiting.push(...fresh);
    };
    const storedAnswer = askStored()
      .catch(() => null)
      .then((answer) => {
        stored = answer;
        storedIn = true;
        send(waiting.splice(0));
      });
    const observer = new MutationObserver(() => {
      try {
        take(readNew(true));
      } catch {
        observer.disconnect(); // the page is the reader's: stay quiet
      }
    });
    observer.observe(document, { childList: true, subtree: true });

    const settle = () => {
      try {
        if (found) finish();
      } catch {
        // stay quiet
      } finally {
        holding = false;
        busy = false;
      }
    };
    document.addEventListener(
      "DOMContentLoaded",
      () => {
        observer.disconnect();
        busy = true;
        holding = true;
        try {
          take(readNew(false));
        } catch {
          // stay quiet; what was read is answered all the same
        }
        if (storedIn && inFlight === 0) settle();
        else storedAnswer.then(() => Promise.all(asked)).then(settle, settle);
      },
      { once: true },
    );
  }

  // Once the page is in: whatever is unanswered (all of it, if this script came late), on screen first.
  async function run() {
    if (busy || !page) return;
    busy = true;
    try {
      readNew(false);
      if (!unanswered.size) return;
      failure = null;
      stored = stored ?? (await askStored());
      const rest = answerStored([...unanswered].sort((a, b) => a.position - b.position));
      const ordered = onScreenFirst(rest);
      await ask(ordered.slice(0, FIRST_BATCH));
      holding = true;
      const queue = chunks(ordered.slice(FIRST_BATCH), BATCH);
      const lanes = Array.from({ length: IN_FLIGHT }, async () => {
        while (queue.length && !failure) await ask(queue.shift());
      });
      await Promise.all(lanes);
      finish();
    } catch {
      // Whatever went wrong, the page is the reader's: stay quiet.
    } finally {
      holding = false;
      busy = false;
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && document.readyState !== "loading") run();
  });
  // Injected at document_start, so as to read the entries while the parser brings them in.
  if (!page) return;
  if (document.readyState === "loading") stream();
  else run();
})();
