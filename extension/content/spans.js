// Moving the radar's spans onto the page. An answer says which rules hit an entry and where: [start, end)
// offsets into the strings that were matched. The page's matcher (matcher.js) counts in UTF-16 units, as
// the page does; the sidecar counts code points (they differ past U+FFFF: 𝒪, emoji); a stored paper's
// offsets are into the store's text, white space collapsed. Each is turned into a verdict on the page's
// own strings, so that two verdicts compare as they would look.
(() => {
  const overlay = (globalThis.AcademicHubOverlay ??= { pages: [] });

  // Code point offsets into `text` -> UTF-16 offsets (the identity for text without astral characters).
  function utf16Of(text) {
    if (!/[\ud800-\udfff]/.test(text)) return (offset) => offset;
    const units = [];
    let unit = 0;
    for (const char of text) {
      units.push(unit);
      unit += char.length;
    }
    units.push(unit);
    return (offset) => units[Math.min(offset, units.length - 1)];
  }

  // A verdict: the rules that hit, and per field the [start, end) spans (an author's by that author's
  // index). `hits` come from either matcher; `move(field, start, end)` puts a span on the page's string.
  function verdictOf(hits, known, move = (field, start, end) => [start, end]) {
    const rules = [];
    const spans = { title: [], abstract: [], authors: new Map() };
    for (const hit of hits ?? []) {
      if (hit.rule && !rules.includes(hit.rule)) rules.push(hit.rule);
      if (hit.field === "authors") {
        if (!spans.authors.has(hit.author)) spans.authors.set(hit.author, []);
        spans.authors.get(hit.author).push([hit.start, hit.end]);
      } else if (spans[hit.field]) {
        spans[hit.field].push(move(hit.field, hit.start, hit.end));
      }
    }
    return rules.length ? { rules, known: Boolean(known), spans } : null;
  }

  // The sidecar's answer for an entry sent as `paper`: code points -> the page's UTF-16 offsets.
  function fromSidecar(match, paper) {
    const movers = {};
    return verdictOf(match.hits, match.known, (field, start, end) => {
      movers[field] ??= utf16Of(paper[field]);
      return [movers[field](start), movers[field](end)];
    });
  }

  // A stored paper's match, its spans moved from the stored title and abstract (`flat`: white space
  // collapsed, as the store keeps it) onto the page's. Mostly the page's text is the stored text between
  // line feeds, and the spans just shift.
  function fromStore(match, paper, flat) {
    const movers = {};
    const mover = (field) => {
      const units = utf16Of(flat[field]);
      const raw = paper[field];
      if (raw.trim() === flat[field]) {
        const lead = raw.length - raw.trimStart().length;
        return (start, end) => [units(start) + lead, units(end) + lead];
      }
      const collapsed = overlay.collapse(raw);
      return (start, end) => overlay.uncollapse(collapsed, [[units(start), units(end)]])[0] ?? [0, 0];
    };
    return verdictOf(match.hits, true, (field, start, end) => {
      movers[field] ??= mover(field);
      return movers[field](start, end);
    });
  }

  // Whether two verdicts would look the same on the page (the order of spans aside).
  function sameVerdict(a, b) {
    if (!a || !b) return a === b;
    const flat = (v) =>
      JSON.stringify([
        v.rules,
        v.known,
        [...v.spans.title].sort((x, y) => x[0] - y[0] || x[1] - y[1]),
        [...v.spans.abstract].sort((x, y) => x[0] - y[0] || x[1] - y[1]),
        [...v.spans.authors].sort((x, y) => x[0] - y[0]),
      ]);
    return flat(a) === flat(b);
  }

  Object.assign(overlay, { verdictOf, fromSidecar, fromStore, sameVerdict, utf16Of });
})();
