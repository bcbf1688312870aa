// The toolbar popup: the day as numbered cards, with the day, tabs (Radar / All / by source), search,
// refresh, the briefing, and honest states when something is missing. Everything comes from the sidecar
// through the service worker (extension/shared/protocol.js).
import "../shared/protocol.js";
import { localize, longDay, t } from "../shared/i18n.js";
import { copyAsTex, texReady } from "../shared/tex.js";
import { showBriefing } from "./briefing.js";
import { renderCard, setRead, setStarred, setUnfolded } from "./card-view.js";
import { bindKeys } from "./keyboard.js";
import { Marks } from "./marks.js";
import * as notices from "./notices.js";
import { watchRefresh } from "./refresh.js";

const P = globalThis.AcademicHubProtocol;
const PAGE = 50;
// Cards of a page whose formulas are typeset before it is shown: what the popup's first screen holds (and
// the top of a page loaded by scrolling); the others' are typeset as they near the view (tex.js).
const TYPESET_AT_ONCE = 4;
// first-cards.js asked for the first page before this module and its imports loaded.
const { limit: FIRST_PAGE, reply: firstPage } = globalThis.AcademicHubFirstCards;

const params = new URLSearchParams(location.search);
const state = {
  day: params.get("day"), // null: the latest day with papers
  filter: { kind: params.get("view") === "radar" ? "radar" : "all" }, // view=radar: from a notification
  q: "",
  total: 0,
  loaded: 0,
  generation: 0, // a newer query makes every older reply moot
  moreInView: false, // the list's end is on screen: load the next page once nothing is in flight
  loading: false,
  days: [],
  status: null,
};

function cardsQuery(offset) {
  const query = { offset, limit: offset ? PAGE : FIRST_PAGE };
  if (state.day) query.day = state.day;
  if (state.filter.kind === "radar") query.radar = true;
  if (state.filter.kind === "source") query.source = state.filter.source;
  if (state.q) query.q = state.q;
  return query;
}

const fetchPage = (offset) => P.api("GET", "/cards", { query: cardsQuery(offset) });

const marksReady = Marks.load();
const statusReady = P.api("GET", "/status");

const $ = (selector) => document.querySelector(selector);
const cardsEl = $("#cards");
const noticesEl = $("#notices");
const search = $("#search");
const tabs = $("#tabs");

localize();
copyAsTex(document); // a copied title or abstract gives its formulas' TeX, not KaTeX's two renderings

function markFirstCards() {
  // For bench/popup.py: when the first cards were on screen, in ms since the popup began to load
  // (the frame that shows them is painted between the animation frame and the task after it).
  requestAnimationFrame(() =>
    setTimeout(() => {
      document.documentElement.dataset.firstCardsMs = performance.now().toFixed(1);
    }, 0),
  );
}

function setNotices(...nodes) {
  noticesEl.replaceChildren(...nodes.filter(Boolean));
}

function sidecarUnreachable(error) {
  return [P.ErrorCode.HOST_MISSING, P.ErrorCode.SIDECAR_DOWN, P.ErrorCode.WORKER_GONE].includes(error?.code);
}

function showFailure(error) {
  cardsEl.replaceChildren();
  cardsEl.setAttribute("aria-busy", "false");
  $("#cards-status").textContent = "";
  setNotices(sidecarUnreachable(error) ? notices.sidecarDown(error) : notices.apiFailed(error));
}

function renderDayLine() {
  $("#day-label").textContent = state.day ? longDay(state.day) : t("noDay");
  const at = state.days.indexOf(state.day);
  $("#prev-day").disabled = at < 0 || at >= state.days.length - 1;
  $("#next-day").disabled = at <= 0;
}

async function showPage(reply, { replace, generation }) {
  if (generation !== state.generation) return;
  if (!reply.ok) {
    showFailure(reply.error);
    return;
  }
  const page = reply.data;
  const [marks] = await Promise.all([marksReady, texReady()]); // KaTeX has loaded meanwhile, as a rule
  if (generation !== state.generation) return;
  if (!replace && page.offset !== state.loaded) return; // a page the list already holds, or not yet reaches
  if (replace) {
    state.day = page.day;
    renderDayLine();
  }
  state.total = page.total;
  const fragment = document.createDocumentFragment();
  for (const [i, card] of page.cards.entries()) {
    const shown = {
      read: marks.isRead(card.id),
      starred: marks.isStarred(card.id),
      setSize: page.total,
      later: i >= TYPESET_AT_ONCE,
    };
    fragment.append(renderCard(card, shown));
  }
  if (replace) {
    cardsEl.replaceChildren(fragment);
    const first = cardsEl.firstElementChild;
    if (first) first.tabIndex = 0;
  } else {
    cardsEl.append(fragment);
  }
  state.loaded = page.offset + page.cards.length;
  cardsEl.setAttribute("aria-busy", "false");
  $("#cards-status").textContent = state.total
    ? t("cardsShown", [String(Math.min(state.loaded, state.total)), String(state.total)])
    : "";
  if (!state.total) cardsEl.replaceChildren(notices.nothingMatches(state.filter, state.q));
}

async function reload() {
  const generation = ++state.generation;
  // Nothing is loaded of the new query yet: scrolling must not ask for a second copy of its first page.
  state.loaded = 0;
  state.total = 0;
  cardsEl.setAttribute("aria-busy", "true");
  await showPage(await fetchPage(0), { replace: true, generation });
  if (state.moreInView) loadMore();
}

async function loadMore() {
  if (state.loading || state.loaded >= state.total) return;
  state.loading = true;
  const generation = state.generation;
  try {
    await showPage(await fetchPage(state.loaded), { replace: false, generation });
  } finally {
    state.loading = false;
  }
  // The list's end may have come into view while this page (or a query since replaced) was on its way.
  if (state.moreInView) loadMore();
}

// ---- honest states and source tabs, from /status ----

function family(source) {
  return { arxiv: "arXiv", biorxiv: "bioRxiv", medrxiv: "medRxiv" }[source.kind] ?? source.name;
}

function renderSourceTabs(status) {
  for (const tab of tabs.querySelectorAll("[data-filter='source']")) tab.remove();
  const families = [...new Set(status.sources.map(({ source }) => family(source)))];
  for (const name of families) {
    const tab = document.createElement("button");
    Object.assign(tab, { type: "button", textContent: name, tabIndex: -1 });
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-selected", "false");
    tab.setAttribute("aria-controls", "cards");
    tab.dataset.filter = "source";
    tab.dataset.source = name;
    tab.id = `tab-source-${families.indexOf(name)}`;
    tabs.append(tab);
  }
}

function renderNotices(status) {
  const found = [];
  if (!status.sources.length) found.push(notices.noSources());
  else if (!status.papers) found.push(notices.noPapersYet());
  const quiet = status.sources.filter(({ health }) => health.state === "quiet");
  if (quiet.length && (!state.day || state.day === status.latest_day)) found.push(notices.quietDay(status.latest_day));
  const offline = status.refresh.offline_since;
  if (offline) found.push(notices.offline(offline, status.latest_day));
  if (status.refresh.state === "failed" || status.refresh.error) found.push(notices.refreshFailed(status.refresh.error));
  const failing = status.sources.filter(({ health }) => health.state === "failing");
  if (failing.length && !offline) found.push(notices.failingSources(failing));
  setNotices(...found);
}

async function loadStatus(reply) {
  if (!reply.ok) return; // the cards' failure already says why
  state.status = reply.data;
  renderSourceTabs(state.status);
  renderNotices(state.status);
  if (state.status.refresh.state === "running") refresh.follow();
}

async function loadDays() {
  const reply = await P.api("GET", "/days");
  if (!reply.ok) return;
  state.days = reply.data.days; // ISO days, newest first
  renderDayLine();
}

// ---- actions ----

function showTab(tab) {
  for (const other of tabs.querySelectorAll("[role='tab']")) {
    other.setAttribute("aria-selected", String(other === tab));
    other.tabIndex = other === tab ? 0 : -1;
  }
  cardsEl.setAttribute("aria-labelledby", tab.id);
}

function selectTab(tab) {
  showTab(tab);
  const kind = tab.dataset.filter;
  state.filter = kind === "source" ? { kind, source: tab.dataset.source } : { kind };
  return reload();
}

// Enter on a card does what a click on its title does: the link opens the paper in a new tab.
function open(article) {
  article.querySelector(".card-title a")?.click();
}

async function markRead(article) {
  const marks = await marksReady;
  await marks.markRead(article.dataset.id);
  setRead(article);
}

// A star is kept in the browser (for the mark) and told to the sidecar, whose radar learns from it.
async function toggleStar(article) {
  const marks = await marksReady;
  const starred = await marks.toggleStar(article.dataset.id);
  setStarred(article, starred);
  if (starred) P.api("POST", "/stars", { body: { id: article.dataset.id } });
  else P.api("DELETE", `/stars/${encodeURIComponent(article.dataset.id)}`);
}

async function copyBibtex(article, button) {
  const reply = await P.api("POST", "/export", { body: { ids: [article.dataset.id], format: "bibtex" } });
  let ok = reply.ok;
  if (ok) {
    try {
      await navigator.clipboard.writeText(reply.data);
    } catch {
      ok = false;
    }
  }
  button.textContent = t(ok ? "copied" : "copyFailed");
  setTimeout(() => {
    button.textContent = t("copyBibtex");
  }, 1500);
}

// "Not interested": the sidecar keeps the paper out of the radar from now on, and its learned radar takes it
// as a paper the reader does not want.
async function dismiss(article, button) {
  const reply = await P.api("POST", "/radar/dismissals", { body: { id: article.dataset.id } });
  if (!reply.ok) {
    button.textContent = t("dismissFailed");
    return;
  }
  P.updateBadge();
  if (state.filter.kind === "radar") {
    await reload(); // the radar list closes up: numbers stay contiguous
  } else {
    article.querySelector(".card-badges")?.remove();
    article.querySelector(".learned-why")?.remove();
    button.remove();
  }
}

// A briefing's [NN] is card NN of the day's whole list: show that list (All, no search), load pages until
// the card is there, and focus it.
async function cite(n) {
  if (state.filter.kind !== "all" || state.q) {
    search.value = "";
    state.q = "";
    await selectTab($("#tab-all"));
  }
  while (!document.getElementById(`card-${n}`) && (state.loading || state.loaded < state.total)) {
    if (state.loading) await new Promise((resolve) => setTimeout(resolve, 20));
    else await loadMore();
  }
  const article = document.getElementById(`card-${n}`);
  if (article) keys.focusCard(article);
}

cardsEl.addEventListener("click", (event) => {
  const article = event.target.closest("article");
  if (!article) return;
  const target = event.target;
  if (target.closest(".unfold") || target.closest(".card-abstract")) {
    const unfolded = article.querySelector(".card-abstract")?.classList.contains("folded");
    setUnfolded(article, unfolded);
    article.classList.toggle("unfolded", unfolded);
  } else if (target.closest(".star")) {
    toggleStar(article);
  } else if (target.closest(".bibtex")) {
    copyBibtex(article, target.closest(".bibtex"));
  } else if (target.closest(".dismiss")) {
    dismiss(article, target.closest(".dismiss"));
  } else if (target.closest(".card-title a") || target.closest("a.pdf")) {
    markRead(article); // the link itself opens the tab
  }
});

noticesEl.addEventListener("click", (event) => {
  if (event.target.closest(".retry")) start();
  else if (event.target.closest(".choose-sources")) chrome.runtime.openOptionsPage();
});
cardsEl.addEventListener("click", (event) => {
  if (event.target.closest(".edit-radar")) chrome.runtime.openOptionsPage();
});

tabs.addEventListener("click", (event) => {
  const tab = event.target.closest("[role='tab']");
  if (tab) selectTab(tab);
});

let searchTimer = 0;
search.addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    state.q = search.value.trim();
    reload();
  }, 200);
});

function goToDay(step) {
  const at = state.days.indexOf(state.day);
  const next = state.days[at + step];
  if (!next) return;
  state.day = next;
  renderDayLine();
  reload().then(() => state.status && renderNotices(state.status));
  briefing(next);
}

$("#prev-day").addEventListener("click", () => goToDay(1));
$("#next-day").addEventListener("click", () => goToDay(-1));
$("#open-options").addEventListener("click", () => chrome.runtime.openOptionsPage());

new IntersectionObserver((entries) => {
  state.moreInView = entries.some((e) => e.isIntersecting);
  if (state.moreInView) loadMore();
}).observe($("#more"));

const keys = bindKeys({
  cards: cardsEl,
  search,
  tabs,
  onOpen: open,
  onStar: toggleStar,
  onTab: selectTab,
});

const refresh = watchRefresh({
  button: $("#refresh"),
  box: $("#refresh-progress"),
  onFinished: async () => {
    await Promise.all([loadDays(), P.api("GET", "/status").then(loadStatus), reload()]);
    P.updateBadge();
  },
});

const briefing = (day) => showBriefing($("#briefing"), day, cite);

if (state.filter.kind === "radar") showTab($("#tab-radar"));

async function start(initial = false) {
  const generation = ++state.generation;
  const pageReply = initial ? await firstPage : await fetchPage(0);
  await showPage(pageReply, { replace: true, generation });
  if (!pageReply.ok) return;
  if (initial) markFirstCards();
  await Promise.all([loadStatus(initial ? await statusReady : await P.api("GET", "/status")), loadDays()]);
  briefing(state.day);
  P.updateBadge(); // the reader looks at the day: the toolbar's count should agree with it
}

start(true);
