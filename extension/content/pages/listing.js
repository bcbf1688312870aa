// arXiv listing pages: /list/<category>/new, /recent and /pastweek, in the 2024+ layout.
// One dl#articles per section (the id repeats), each paper a <dt> with its id in a[title=Abstract]
// (href /abs/<id>) followed by a <dd> holding div.meta: div.list-title, div.list-authors,
// div.list-subjects, and on /new the abstract in p.mathjax.
(() => {
  const overlay = (globalThis.AcademicHubOverlay ??= { pages: [] });

  const SELECTORS = {
    entry: "dl#articles > dt",
    idLink: "a[title='Abstract']",
    meta: "div.meta",
    title: "div.list-title",
    authors: "div.list-authors",
    subjects: "div.list-subjects",
    abstract: "p.mathjax",
  };

  overlay.pages.push({
    kind: "listing",
    matches: (location) => /^\/list\/[^/]+\/(new|recent|pastweek)\/?$/.test(location.pathname),
    // The sidecar's store holds a followed category's papers: the radar's say on them comes before the page.
    category: (location) => location.pathname.split("/")[2],
    // In page order; while the page loads, the parser appends them, so earlier ones never move.
    containers: (document) => document.querySelectorAll(SELECTORS.entry),
    entry(dt) {
      const id = overlay.arxivIdFromHref(dt.querySelector(SELECTORS.idLink)?.getAttribute("href"));
      const dd = dt.nextElementSibling;
      const meta = dd?.tagName === "DD" ? dd.querySelector(SELECTORS.meta) : null;
      if (!id || !meta) return null;
      return {
        id,
        marker: { parent: dt, before: dt.firstChild }, // the marker and badges open the entry's line
        scrollTo: dt,
        title: meta.querySelector(SELECTORS.title),
        authors: meta.querySelector(SELECTORS.authors),
        subjects: meta.querySelector(SELECTORS.subjects),
        abstract: meta.querySelector(SELECTORS.abstract),
      };
    },
  });
})();
