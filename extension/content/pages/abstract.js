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
    // One paper, read once the whole page is in (its abstract comes after the title).
    containers: (document) => [document.querySelector(SELECTORS.title)].filter(Boolean),
    entry(title) {
      const { ownerDocument: document } = title;
      const id = overlay.bareArxivId(document.querySelector(SELECTORS.id)?.getAttribute("content"));
      if (!id) return null;
      return {
        id,
        marker: { parent: title.parentElement, before: title }, // above the title, not inside it
        scrollTo: title,
        title,
        authors: document.querySelector(SELECTORS.authors),
        subjects: document.querySelector(SELECTORS.subjects),
        abstract: document.querySelector(SELECTORS.abstract),
      };
    },
  });
})();
