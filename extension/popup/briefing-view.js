// The briefing above the cards: the sidecar writes it as Markdown, citing cards as [03]; each citation
// becomes a link to its card. The model's text is text: it is parsed here into elements, never into HTML.
import { el } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

const CITATION = /\[(\d{1,4}(?:\s*,\s*\d{1,4})*)\]/g;
const BOLD = /\*\*([^*]+)\*\*/g;

function inline(text, onCite) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(CITATION)) {
    if (match.index > last) nodes.push(...bold(text.slice(last, match.index)));
    const numbers = match[1].split(",").map((s) => Number(s.trim()));
    nodes.push(document.createTextNode("["));
    numbers.forEach((n, i) => {
      if (i) nodes.push(document.createTextNode(", "));
      const link = el("a", {
        className: "citation",
        text: String(n).padStart(2, "0"),
        attrs: { href: `#card-${n}`, "aria-label": t("citationOf", [String(n)]) },
      });
      link.addEventListener("click", (event) => {
        event.preventDefault();
        onCite(n);
      });
      nodes.push(link);
    });
    nodes.push(document.createTextNode("]"));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(...bold(text.slice(last)));
  return nodes;
}

function bold(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(BOLD)) {
    if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
    nodes.push(el("strong", { text: match[1] }));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

// Headings, list items and paragraphs: the little Markdown a briefing uses.
export function renderMarkdown(container, markdown, onCite) {
  container.replaceChildren();
  let list = null;
  for (const raw of markdown.split("\n")) {
    const line = raw.trimEnd();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const item = /^\s*(?:[-*]|\d+\.)\s+(.*)$/.exec(line);
    if (item) {
      if (!list) {
        list = el(/^\s*\d/.test(line) ? "ol" : "ul");
        container.append(list);
      }
      list.append(el("li", {}, inline(item[1], onCite)));
      continue;
    }
    list = null;
    if (!line.trim()) continue;
    if (heading) container.append(el(heading[1].length <= 2 ? "h3" : "h4", {}, inline(heading[2], onCite)));
    else container.append(el("p", {}, inline(line, onCite)));
  }
}
