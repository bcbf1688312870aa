// The radar on arXiv pages. As the page starts loading, the overlay asks the sidecar for the rules compiled
// into data (ask.js) and, on a listing, for what the radar says of the listing's stored papers. Nothing is
// read while the page loads: that made it a half later to be ready. Once the page is parsed, in a task of
// its own, the entries are read once (entries.js, about 17 ms for 1,000), matched by the page's own
// matcher (matcher.js) and marked (marks.js), so no mark waits for the sidecar. Then the sidecar, which
// stays the authority, has its say: an entry showing a stored paper's text (the same fingerprint) takes
// the radar's stored answer, the others are sent to the radar, top of the page first; where its verdict
// differs from the page's (a rule changed meanwhile, a paper is in the library), it replaces the marks.
//
// It never harms the page: it only adds elements and paints ranges of the page's text (or, where the
// browser cannot, moves its text nodes into <mark>s), sets text with textContent, and when the sidecar is
// not running it shows nothing and throws nothing; it tries again a few times, and on the next visit to
// the tab, so it works as soon as the sidecar is up.
(() => {
  const overlay = globalThis.AcademicHubOverlay;
  const { features, ask } = overlay;

  const FIRST_BATCH = 30; // entries of the first request to the radar: the screenful the reader sees
  const BATCH = 200;
  const IN_FLIGHT = 2; // the page reads the next batch while the sidecar matches one

  // One page's radar: its entries, what is drawn for each, and its dealings with the sidecar.
  class Session {
    constructor(page, signal) {
      this.page = page;
      this.signal = signal;
      this.items = []; // the entries, read once the page is parsed
      this.drawn = new Map(); // item -> {verdict, line, marks}
      this.asking = null; // {radar, stored}: answers asked for while the page loads
      this.storedNow = undefined; // the stored papers' answer, once it came
      this.stats = {};
      this.marked = false;
      this.busy = false;
      this.failures = 0;
      this.timer = null;
      this.watching = null; // the MutationObserver that repaints entries whose text the page changes
      this.parts = null; // element holding highlighted text -> its item, made on the first change
    }

    ask() {
      const stored = ask.stored(this.page).catch(() => null);
      stored.then((answer) => (this.storedNow = answer));
      this.asking = { radar: ask.matcher(), stored };
    }

    // Reads, matches and marks the page with the compiled rules; then lets the sidecar confirm.
    async run() {
      if (this.busy || this.marked) return;
      this.busy = true;
      try {
        const startedAt = performance.now();
        const answer = await this.asking.radar;
        if (!answer.ok && ask.unreachable(answer.error)) {
          this.retry(answer.error);
          return;
        }
        const reading = performance.now();
        this.items = overlay.readEntries(this.page, document);
        const matching = performance.now();
        // Without compiled rules (an older sidecar), the sidecar's answers alone mark the page (confirm).
        const hits = answer.ok ? answer.radar.matchMany(this.items.map((item) => item.paper)) : [];
        const marking = performance.now();
        // A paper of the listing's stored ones is in the library (if that answer is in already).
        const known = (item) => Boolean(this.storedNow?.papers.has(item.entry.id));
        this.items.forEach((item, k) => {
          if (!answer.ok || answer.radar.isDismissed(item.paper.id)) return;
          const verdict = overlay.verdictOf(hits[k], known(item));
          if (verdict) this.draw(item, verdict, true);
        });
        this.stats = {
          entries: this.items.length,
          // The overlay's own work while the page loaded: its scripts, and the rules parsed and compiled.
          loadingMs: overlay.scriptsMs + (answer.ms ?? 0),
          startedAt, // for bench/overlay.py: when the overlay's task began, and how long each step took
          readMs: matching - reading,
          matchMs: marking - matching,
          markMs: performance.now() - marking,
        };
        this.panel();
        this.marked = true;
        this.watch();
      } finally {
        this.busy = false;
      }
      await this.confirm();
    }

    draw(item, verdict, fresh = false) {
      this.drawn.set(item, { verdict, ...overlay.markEntry(item, verdict, this.page.skip, fresh) });
    }

    // The sidecar's verdict on an entry replaces the page's where they differ. Returns 1 if it did.
    settle(item, verdict) {
      const drawn = this.drawn.get(item);
      if (overlay.sameVerdict(drawn?.verdict ?? null, verdict)) return 0;
      if (drawn) {
        overlay.unmarkEntry(drawn);
        this.drawn.delete(item);
      }
      if (verdict) this.draw(item, verdict);
      return 1;
    }

    // The sidecar's say: from the stored papers where the page shows their text, else from the radar.
    async confirm() {
      const stored = await this.asking.stored;
      const counts = { stored: 0, asked: 0, replaced: 0 };
      const rest = [];
      for (const item of this.items) {
        const { paper } = item;
        const print = stored?.papers.get(item.entry.id);
        const flat = print && { title: overlay.collapsed(paper.title), abstract: overlay.collapsed(paper.abstract) };
        if (!print || print !== overlay.fingerprint(flat.title, flat.abstract, paper.authors)) {
          rest.push(item);
          continue;
        }
        counts.stored += 1;
        const match = stored.matches.get(item.entry.id);
        counts.replaced += this.settle(item, match ? overlay.fromStore(match, paper, flat) : null);
      }
      const ordered = features.onScreenFirst(rest, (item) => item.entry.scrollTo);
      const batches = [ordered.slice(0, FIRST_BATCH), ...features.chunks(ordered.slice(FIRST_BATCH), BATCH)];
      let failed = false;
      await features.inBatches(
        batches.filter((batch) => batch.length),
        IN_FLIGHT,
        async (batch) => {
          const reply = await ask.radar(batch.map((item) => item.paper));
          if (!reply.ok) {
            failed = true; // the page's marks stay: they are the radar's rules all the same
            return false;
          }
          counts.asked += batch.length;
          const byId = new Map((reply.data.matches ?? []).map((match) => [match.id, match]));
          for (const item of batch) {
            const match = byId.get(item.paper.id);
            counts.replaced += this.settle(item, match ? overlay.fromSidecar(match, item.paper) : null);
          }
          return true;
        },
      );
      this.stats = { ...this.stats, ...counts, confirmedAt: failed ? null : performance.now() };
      this.panel();
    }

    // Highlights painted as ranges stay where they were put: when the page changes an entry's text
    // (MathJax typesets a formula in it), the entry's words are painted again on its text as it is now.
    watch() {
      if (overlay.paint !== "ranges" || this.watching) return;
      this.watching = new MutationObserver((records) => this.changed(records));
      this.watching.observe(document.body, { childList: true, characterData: true, subtree: true });
      this.signal.addEventListener("abort", () => this.watching.disconnect(), { once: true });
    }

    changed(records) {
      this.parts ??= new Map(this.items.flatMap((item) => overlay.partsOf(item).map((part) => [part, item])));
      const touched = new Set();
      for (const { target } of records) {
        for (let node = target; node && node !== document.body; node = node.parentNode) {
          const item = this.parts.get(node);
          if (item) {
            touched.add(item);
            break;
          }
        }
      }
      for (const item of touched) {
        const drawn = this.drawn.get(item);
        if (drawn) overlay.repaintEntry(item, drawn, this.page.skip);
      }
    }

    panel() {
      const listed = [...this.drawn]
        .map(([item, { verdict }]) => ({ item, verdict }))
        .sort((a, b) => a.item.position - b.item.position);
      const doneAt = document.getElementById("academichub-panel")?.dataset.doneAt;
      // For bench/overlay.py: when the page's marks were in place (ms since the page began to load).
      overlay.drawPanel(listed, { ...this.stats, doneAt: doneAt ? Number(doneAt) : performance.now() });
    }

    retry(error) {
      const seconds = ask.retryIn(error, this.failures);
      this.failures += 1;
      if (seconds !== null) this.timer = setTimeout(() => this.again(), seconds * 1000);
    }

    // Once more from the start, if the page is not marked yet (the sidecar was down).
    again() {
      if (this.marked || this.busy) return;
      clearTimeout(this.timer);
      this.ask();
      this.run().catch(() => {});
    }
  }

  features.add("radar", {
    include: overlay.pages,
    async init(signal, page) {
      const session = new Session(page, signal);
      session.ask();
      features.whenShownAgain(signal, () => session.again());
      await features.afterReady(signal);
      await session.run();
    },
  });

  features.run(location);
})();
