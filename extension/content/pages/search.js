// arXiv search results: /search/?query=... Each paper is an li.arxiv-result: its id in the link of
// p.list-title (href https://arxiv.org/abs/<id>), its categories in div.tags, p.title, p.authors, and the
// abstract twice: a short span.abstract-short (with a "More" link) and the whole span.abstract-full (with
// a "Less" link). arXiv wraps the query's words in span.search-hit.
(() => {
  const overlay = (globalThis.AcademicHubOverlay ??= { pages: [] });

  const SELECTORS = {
    entry: "li.arxiv-result",
    idLink: "p.list-title a[href*='/abs/']",
    title: "p.title",
    authors: "p.authors",
    subjects: "div.tags",
    abstract: "span.abstract-full",
    abstractShort: "span.abstract-short",
    toggle: "a.is-size-7", // the "▽ More" / "△ Less" links inside the abstracts: not abstract text
  };

  overlay.pages.push({
    kind: "search",
    matches: (location) => location.pathname.startsWith("/search"),
    skip: SELECTORS.toggle,
    containers: (document) => document.querySelectorAll(SELECTORS.entry),
    entry(li) {
      const id = overlay.arxivIdFromHref(li.querySelector(SELECTORS.idLink)?.getAttribute("href"));
      const title = li.querySelector(SELECTORS.title);
      if (!id || !title) return null;
      return {
        id,
        marker: { parent: li, before: li.firstChild },
        scrollTo: li,
        title,
        authors: li.querySelector(SELECTORS.authors),
        subjects: li.querySelector(SELECTORS.subjects),
        abstract: li.querySelector(SELECTORS.abstract),
        // The short abstract is the full one cut short: the same spans, clipped, apply to it.
        abstractEcho: li.querySelector(SELECTORS.abstractShort),
      };
    },
  });
})();
