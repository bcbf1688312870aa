// Reading a page's entries: each paper found by its arXiv id (never by its title, which MathJax rewrites),
// its title, abstract, authors and categories read as text nodes (see highlight.js), as the radar reads
// them. The page modules (pages/) say where each part of an entry is; this reads it, once.
(() => {
  const overlay = (globalThis.AcademicHubOverlay ??= { pages: [] });

  // "/abs/2606.13016", "https://arxiv.org/abs/2606.13016v2", "/abs/hep-th/9901001" -> bare id. The id's forms
  // are the sidecar's own (extension/shared/contract.json, through protocol.js).
  const ID = globalThis.AcademicHubProtocol.CONTRACT.arxiv.id;
  const ABS_ID = new RegExp(`/abs/(${ID})(?:v\\d+)?(?:[?#/]|$)`);
  const BARE_ID = new RegExp(`^(${ID})(?:v\\d+)?$`);
  const arxivIdFromHref = (href) => (href ? (ABS_ID.exec(href)?.[1] ?? null) : null);
  const bareArxivId = (text) => (text ? (BARE_ID.exec(text.trim())?.[1] ?? null) : null);

  // arXiv categories in a subjects line: "Machine Learning (cs.LG); Artificial Intelligence (cs.AI)",
  // or bare "cs.AI"; archives without subject classes (quant-ph, hep-th, gr-qc) have a dash and no dot.
  const CATEGORY = /(?:^|[\s(;,])([a-z]+(?:-[a-z]+)?\.[A-Za-z]+(?:-[a-z]+)?|[a-z]+-[a-z]+)(?=[\s);,]|$)/g;

  function categories(element) {
    if (!element) return [];
    return [...new Set([...element.textContent.matchAll(CATEGORY)].map((m) => m[1]))];
  }

  // One element per author where the page links each name (listing, abstract and search pages do).
  function authorElements(element) {
    return element ? [...element.querySelectorAll("a")].filter((a) => a.textContent.trim()) : [];
  }

  function authorNames(element, links) {
    if (links.length) return links.map((a) => a.textContent.trim());
    const { text } = overlay.readText(element);
    return text.split(",").map((s) => s.trim()).filter(Boolean);
  }

  // An entry as the radar reads it: `paper` is what the matchers get, the readings what spans refer to.
  function readEntry(entry, position, skip) {
    const title = overlay.readText(entry.title, skip);
    const abstract = overlay.readText(entry.abstract, skip);
    const authorLinks = authorElements(entry.authors);
    return {
      entry,
      position,
      title,
      abstract,
      echo: entry.abstractEcho ? overlay.readText(entry.abstractEcho, skip) : null,
      authorLinks,
      paper: {
        id: `arxiv:${entry.id}`,
        title: title.text,
        abstract: abstract.text,
        authors: authorNames(entry.authors, authorLinks),
        categories: categories(entry.subjects),
      },
    };
  }

  // Every entry of the page, read once (the page is parsed: nothing moves any more).
  function readEntries(page, document) {
    const items = [];
    const containers = page.containers(document);
    for (let i = 0; i < containers.length; i += 1) {
      const entry = page.entry(containers[i]);
      if (entry) items.push(readEntry(entry, i, page.skip));
    }
    return items;
  }

  Object.assign(overlay, { arxivIdFromHref, bareArxivId, readEntries });
})();
