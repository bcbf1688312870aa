// arXiv abstract pages: /abs/<id>. The id is in meta[name=citation_arxiv_id]; h1.title, div.authors and
// blockquote.abstract each begin with a span.descriptor ("Title:", "Authors:", "Abstract:") that is no
// part of the text; the categories are in td.tablecell.subjects.
(() => {
  const overlay = (globalThis.AcademicHubOverlay ??= { pages: [] });

  const SELECTORS = {
    id: "meta[name='citation_arxiv_id']",
    title: "h1.title",
    authors: "div.authors",
    subjects: "td.tablecell.subjects",
    abstract: "blockquote.abstract",
  };

  overlay.pages.push({
    kind: "abstract",
    matches: (location) => location.pathname.startsWith("/abs/"),
    entries(document) {
      const id = overlay.bareArxivId(document.querySelector(SELECTORS.id)?.getAttribute("content"));
      const title = document.querySelector(SELECTORS.title);
      if (!id || !title) return [];
      return [
        {
          id,
          marker: { parent: title.parentElement, before: title }, // above the title, not inside it
          scrollTo: title,
          title,
          authors: document.querySelector(SELECTORS.authors),
          subjects: document.querySelector(SELECTORS.subjects),
          abstract: document.querySelector(SELECTORS.abstract),
        },
      ];
    },
  });
})();
