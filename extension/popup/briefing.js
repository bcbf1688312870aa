// The day's briefing above the cards, streamed as the sidecar writes it (POST /api/v1/briefings, Server-Sent
// Events: `progress`, `text` previews, checked `section`s, a `notice`, then the whole `briefing`). Every
// card number it cites, [03], is a link to that card. The model's words are text: they go in through
// textContent, never as markup, their formulas (a title quoted with its TeX) typeset by KaTeX like the cards'.
// A sidecar without briefings leaves the slot empty.
import "../shared/protocol.js";
import { el } from "../shared/dom.js";
import { t, uiLanguage } from "../shared/i18n.js";
import { setTexText } from "../shared/tex.js";

const P = globalThis.AcademicHubProtocol;
let current = null; // the stream of the day shown; a new day closes it

function citation(n, onCite) {
  const link = el("a", {
    className: "citation",
    text: String(n).padStart(2, "0"),
    attrs: { href: `#card-${n}`, "aria-label": t("citationOf", [String(n)]) },
  });
  link.addEventListener("click", (event) => {
    event.preventDefault();
    onCite(n);
  });
  return link;
}

// "Text. [03, 07]": the sentence, then its citations as links.
function statement(tag, { text, cites }, onCite) {
  const node = setTexText(el(tag), text);
  if (cites?.length) {
    node.append(" [");
    cites.forEach((n, i) => {
      if (i) node.append(", ");
      node.append(citation(n, onCite));
    });
    node.append("]");
  }
  return node;
}

function themeBlock(theme, onCite) {
  return el("div", { className: "briefing-theme" }, [
    setTexText(el("h4"), theme.title),
    ...theme.statements.map((s) => statement("p", s, onCite)),
  ]);
}

function render(body, briefing, onCite) {
  const parts = [setTexText(el("h3"), briefing.headline)];
  parts.push(...briefing.overview.map((s) => statement("p", s, onCite)));
  parts.push(...briefing.themes.map((theme) => themeBlock(theme, onCite)));
  if (briefing.links.length) {
    parts.push(el("h4", { text: t("briefingLinks") }), ...briefing.links.map((s) => statement("p", s, onCite)));
  }
  if (briefing.read_first.length) {
    parts.push(
      el("h4", { text: t("briefingReadFirst") }),
      el(
        "ol",
        {},
        briefing.read_first.map((pick) => {
          return el("li", {}, [citation(pick.card, onCite), setTexText(el("span"), ` ${pick.title} — ${pick.why}`)]);
        }),
      ),
    );
  }
  body.replaceChildren(...parts);
}

function byline(briefing) {
  const when = new Date(briefing.written_at).toLocaleString(uiLanguage(), { dateStyle: "medium", timeStyle: "short" });
  // Who wrote what: the notice (no model, or an English-only model for a Chinese briefing), then the credits.
  if (briefing.extractive) return [t("briefingExtractive"), briefing.notice, briefing.credits].filter(Boolean).join(" ");
  return [briefing.notice, t("briefingBy", [briefing.model, when]), briefing.credits].filter(Boolean).join(" ");
}

export function showBriefing(section, day, onCite) {
  current?.close();
  const body = section.querySelector(".briefing-body");
  const foot = section.querySelector(".briefing-byline");
  const preview = el("p", { className: "briefing-preview" });
  body.replaceChildren();
  foot.textContent = "";
  section.hidden = true;
  if (!day) return;

  const language = uiLanguage().startsWith("zh") ? "zh" : "en";
  const finished = [];
  const stream = P.stream("POST", "/briefings", { day, language }, (event, data) => {
    section.hidden = false;
    section.setAttribute("aria-busy", "true");
    if (event === "progress") {
      foot.textContent = data.steps ? t("briefingStep", [String(data.step), String(data.steps)]) : t("briefingWriting");
    } else if (event === "text") {
      preview.textContent += data.text ?? "";
      if (!preview.isConnected) body.append(preview);
    } else if (event === "section") {
      preview.remove();
      preview.textContent = "";
      if (data.theme) finished.push(themeBlock(data.theme, onCite));
      else if (data.headline) finished.unshift(setTexText(el("h3"), data.headline));
      for (const s of data.statements ?? []) finished.push(statement("p", s, onCite));
      body.replaceChildren(...finished);
    } else if (event === "notice") {
      foot.textContent = data.text ?? "";
    } else if (event === "briefing" && data.briefing) {
      render(body, data.briefing, onCite);
      foot.textContent = byline(data.briefing);
      section.setAttribute("aria-busy", "false");
    }
  });
  current = stream;
  stream.done.catch(() => {
    // No briefing route (an older sidecar) or no model at all: the slot stays as it is, empty or partial.
    section.setAttribute("aria-busy", "false");
    if (!body.childElementCount) section.hidden = true;
  });
}
