// One card, as the reference pages show it:
//   01.
//   arXiv (quant-ph) 2026-06-15
//   Quasilinear Equivalence Checking for Detector Error Models
//   Authors: ...
//   <abstract, folded to a few lines>
// Every field is feed text and goes in through textContent (the title's and the abstract's formulas through
// KaTeX, extension/shared/tex.js); a link only when it is http(s).
import { el, safeUrl } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { setTexText } from "../shared/tex.js";

export const cardNumber = (n) => `${String(n).padStart(2, "0")}.`;

// The radar's rule names for a card: its hits (RadarHit: rule, field, term, start, end), each rule once.
export function radarRules(card) {
  return [...new Set((card.radar ?? []).map((hit) => hit.rule).filter(Boolean))];
}

// Why the radar picked the card, per rule: the words it matched and where ("Thompson sampling in title").
function why(card, rule) {
  const found = new Map();
  for (const hit of card.radar ?? []) {
    if (hit.rule !== rule) continue;
    if (!found.has(hit.text)) found.set(hit.text, new Set());
    found.get(hit.text).add(t(`field_${hit.field}`));
  }
  return [...found].map(([text, fields]) => t("radarWhy", [text, [...fields].join(", ")])).join("; ");
}

function badges(card) {
  const rules = radarRules(card);
  if (!rules.length) return null;
  return el(
    "span",
    { className: "card-badges", attrs: { "aria-label": t("radarBadgesLabel", [rules.join(", ")]) } },
    rules.map((rule) => el("span", { className: "radar-badge", text: rule, attrs: { title: why(card, rule) } })),
  );
}

// The sidecar's LEARNED_THRESHOLD (radar/ranking.py): above it a paper reaches the radar unasked.
const LEARNED_SHOWN = 0.95;

// Why the learned radar likes the card: "Like your ‘Title’ · spectral clustering, laplacian".
function learnedWhy(card) {
  const learned = card.learned;
  if (!learned || learned.score < LEARNED_SHOWN || !learned.like?.length) return null;
  const like = t("likeYour", [learned.like.map((paper) => `‘${paper.title}’`).join(t("likeAnd"))]);
  const words = learned.words?.length ? ` · ${learned.words.join(", ")}` : "";
  return el("p", { className: "learned-why", text: like + words });
}

// `later`: a card below the popup's first screen, whose formulas may be typeset after it is shown.
export function renderCard(card, { read, starred, setSize, later = false }) {
  const n = card.n;
  const titleId = `card-title-${n}`;
  const abstractId = `card-abstract-${n}`;
  const paperUrl = safeUrl(card.url);
  const pdfUrl = safeUrl(card.pdf_url);

  const title = el("h2", { className: "card-title", attrs: { id: titleId } }, [
    paperUrl
      ? setTexText(el("a", { attrs: { href: paperUrl, target: "_blank", rel: "noopener noreferrer" } }), card.title, {
          later,
        })
      : setTexText(el("span"), card.title, { later }),
  ]);

  const authors = card.authors?.length
    ? el("p", { className: "card-authors" }, [
        el("span", { className: "card-authors-label", text: t("authorsLabel") }),
        document.createTextNode(" "),
        el("span", { className: "card-authors-names", text: card.authors.join(", ") }),
      ])
    : null; // no line at all, never "Unknown Author"

  const abstract = card.abstract
    ? setTexText(el("p", { className: "card-abstract folded", attrs: { id: abstractId } }), card.abstract, { later })
    : null;

  const actions = el("div", { className: "card-actions" }, [
    abstract
      ? el("button", {
          className: "unfold",
          text: t("unfold"),
          attrs: { type: "button", "aria-expanded": "false", "aria-controls": abstractId },
        })
      : null,
    pdfUrl
      ? el("a", {
          className: "pdf",
          text: t("pdf"),
          attrs: { href: pdfUrl, target: "_blank", rel: "noopener noreferrer", "aria-label": t("pdfOf", [card.title]) },
        })
      : null,
    el("button", {
      className: "star",
      text: starred ? t("starred") : t("star"),
      attrs: { type: "button", "aria-pressed": String(Boolean(starred)), "aria-label": t("starOf", [card.title]) },
    }),
    el("button", {
      className: "bibtex",
      text: t("copyBibtex"),
      attrs: { type: "button", "aria-label": t("copyBibtexOf", [card.title]) },
    }),
    radarRules(card).length || card.learned
      ? el("button", {
          className: "dismiss",
          text: t("notInterested"),
          attrs: { type: "button", "aria-label": t("notInterestedIn", [card.title]) },
        })
      : null,
  ]);

  const article = el(
    "article",
    {
      className: read ? "card read" : "card",
      attrs: {
        id: `card-${n}`,
        tabindex: "-1",
        "aria-labelledby": titleId,
        "aria-describedby": abstract ? abstractId : undefined,
        "aria-posinset": String(n),
        "aria-setsize": String(setSize),
        "data-id": card.id,
      },
    },
    [
      el("div", { className: "card-head" }, [
        el("span", { className: "card-number", text: cardNumber(n) }),
        el("span", { className: "card-line" }, [
          el("span", { className: "card-source", text: card.source_label }),
          document.createTextNode(" "),
          el("time", { className: "card-date", text: card.date, attrs: { datetime: card.date } }),
        ]),
        read ? el("span", { className: "read-mark", text: t("readMark") }) : null,
        badges(card),
      ]),
      title,
      learnedWhy(card),
      authors,
      abstract,
      actions,
    ],
  );
  return article;
}

export function setUnfolded(article, unfolded) {
  const abstract = article.querySelector(".card-abstract");
  const button = article.querySelector(".unfold");
  if (!abstract || !button) return;
  abstract.classList.toggle("folded", !unfolded);
  button.setAttribute("aria-expanded", String(unfolded));
  button.textContent = unfolded ? t("fold") : t("unfold");
}

export function setStarred(article, starred) {
  const button = article.querySelector(".star");
  button.setAttribute("aria-pressed", String(starred));
  button.textContent = starred ? t("starred") : t("star");
}

export function setRead(article) {
  if (article.classList.contains("read")) return;
  article.classList.add("read");
  article.querySelector(".card-head .card-line").after(el("span", { className: "read-mark", text: t("readMark") }));
}
