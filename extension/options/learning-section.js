// What the radar learns from: the reader's library (a dropped BibTeX, RIS or CSL-JSON file, or Zotero),
// and, to start cold, "pick five papers you like" from the latest days. The sidecar parses, keeps and
// learns; this page only sends the file's text and the reader's choices.
import "../shared/protocol.js";
import { el } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { commaList, say, sayFailure } from "./messages.js";

const P = globalThis.AcademicHubProtocol;
const $ = (selector) => document.querySelector(selector);
const PICKS = 5;

export function learningSection() {
  const message = $("#learning-message");
  const picks = $("#pick");

  async function showState() {
    const reply = await P.api("GET", "/radar/learned");
    if (!reply.ok) return;
    const s = reply.data;
    const learnt = s.trained ? t("learningTrained", [String(s.positives)]) : t("learningRulesOnly");
    $("#learning-state").textContent = t("learningState", [String(s.library), String(s.stars), String(s.dismissals)]) + " " + learnt;
  }

  async function showPicks() {
    const reply = await P.api("GET", "/radar/pick", { query: { limit: PICKS } });
    picks.replaceChildren();
    if (!reply.ok) return sayFailure(message, reply);
    for (const card of reply.data.cards) picks.append(pickRow(card));
  }

  function pickRow(card) {
    const like = el("button", { text: t("pickLike"), attrs: { type: "button", "aria-label": t("pickLikeOf", [card.title]) } });
    const not = el("button", { text: t("pickNot"), attrs: { type: "button", "aria-label": t("notInterestedIn", [card.title]) } });
    const row = el("li", { attrs: { "data-id": card.id } }, [
      el("span", { className: "pick-title", text: card.title }),
      el("span", { className: "pick-source", text: card.source_label }),
      like,
      not,
    ]);
    like.addEventListener("click", () => choose(row, "POST", "/stars"));
    not.addEventListener("click", () => choose(row, "POST", "/radar/dismissals"));
    return row;
  }

  async function choose(row, method, path) {
    const reply = await P.api(method, path, { body: { id: row.dataset.id } });
    if (!reply.ok) return sayFailure(message, reply);
    row.remove();
    say(message, t("pickDone"));
    await showState();
  }

  function imported(reply) {
    if (!reply.ok) return sayFailure(message, reply);
    const r = reply.data;
    say(message, t("libraryImported", [String(r.read), String(r.added), String(r.total)]));
    showState();
  }

  async function importFile(file) {
    if (!file) return;
    const text = await file.text();
    imported(await P.api("POST", "/library/import", { body: { name: file.name, text } }));
  }

  const drop = $("#library-drop");
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    importFile(event.dataTransfer.files[0]);
  });
  $("#library-file").addEventListener("change", (event) => importFile(event.target.files[0]));

  $("#zotero-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    say(message, t("zoteroReading"));
    const collections = commaList($("#zotero-collections").value);
    imported(await P.api("POST", "/library/zotero", { body: { collections } }));
  });
  $("#pick-more").addEventListener("click", showPicks);
  $("#learning-reset").addEventListener("click", async () => {
    const reply = await P.api("POST", "/radar/reset", { body: {} });
    if (!reply.ok) return sayFailure(message, reply);
    say(message, t("learningResetDone"));
    await Promise.all([showState(), showPicks()]);
  });

  return { load: () => Promise.all([showState(), showPicks()]) };
}
