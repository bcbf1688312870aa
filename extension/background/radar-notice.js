// Timely notice: when a refresh the reader did not start (the sidecar's schedule, its start, a resumed one)
// brings new radar matches, one browser notification says how many, in which categories, and the best
// match's title; a click opens the popup on its Radar tab (or, where the browser cannot open its popup,
// the paper). A refresh that failed or found nothing new notifies nothing: the badge's tooltip says why.
//
// The worker sleeps between events, so it does not listen to the sidecar; it looks at GET /status on an
// alarm (and at start) and compares the day's radar matches with those it saw at its last look, kept in
// chrome.storage.local. A match is new when the last look did not list it: the look before a refresh is
// the baseline, so the matches the reader already had, and those a new rule found before the refresh, are
// never announced as new.
import { setBadgeNote } from "./badge.js";
import { call } from "./sidecar.js";

export const NOTIFY_SETTING = "notifyRadar"; // chrome.storage.local: false turns notifications off
export const NOTIFICATION_ID = "academichub.radar";
const SEEN = "radarSeen"; // chrome.storage.local: {refresh, day, ids}, the last look
const CLICK = "radarNotice"; // chrome.storage.session: where a click on the notification goes
const POPUP = "extension/popup/popup.html";
const PAGE = 100; // the API's largest page
const MAX_PAGES = 20;
const READER_TRIGGERS = new Set(["api"]); // the popup's refresh button: the reader is watching already
const MAX_CATEGORIES = 4;

const t = (key, substitutions) => chrome.i18n.getMessage(key, substitutions) || key;

async function radarCards(day) {
  const cards = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = { day, radar: true, offset: page * PAGE, limit: PAGE };
    const { data } = await call("GET", "/cards", { query });
    cards.push(...data.cards);
    if (!data.cards.length || cards.length >= data.total) break;
  }
  return cards; // best first, as the Radar tab lists them
}

// The category a reader follows a match by: an arXiv paper's primary category, else its source.
const categoryOf = (card) => card.categories?.[0] ?? card.source_label;

function describe(added) {
  const categories = [...new Set(added.map(categoryOf).filter(Boolean))];
  const named = categories.slice(0, MAX_CATEGORIES).join(", ");
  const more = categories.length - MAX_CATEGORIES;
  const where = more > 0 ? t("notifyMoreCategories", [named, String(more)]) : named;
  return {
    title: t(added.length === 1 ? "notifyTitleOne" : "notifyTitle", [String(added.length), where]),
    // Notifications show text only: the title's TeX stays as the feed wrote it.
    message: added[0].title,
  };
}

async function notify(added, day) {
  const { title, message } = describe(added);
  const top = added[0];
  // Kept for the click, which may come to a worker started afresh.
  await chrome.storage.session.set({ [CLICK]: { day, id: top.id, url: top.url, title, message, at: Date.now() } });
  await chrome.notifications.create(NOTIFICATION_ID, {
    type: "basic",
    iconUrl: chrome.runtime.getURL("extension/icons/icon-128.png"),
    title,
    message,
  });
  return { title, message, day, ids: added.map((card) => card.id) };
}

// Why the last refresh brought nothing to announce, for the badge ({text, failed}); null when it did its work.
function quietOrFailed(status) {
  const refresh = status.refresh;
  if (refresh.state === "failed" || refresh.error) {
    return { text: t("badgeRefreshFailed", [refresh.error ?? ""]), failed: true };
  }
  const failing = status.sources.filter(({ health }) => health.state === "failing");
  if (failing.length && failing.length === status.sources.length) {
    const names = failing.map(({ source }) => source.name).join(", ");
    return { text: t("badgeRefreshFailed", [t("badgeSourcesFailing", [names])]), failed: true };
  }
  if (refresh.state === "finished" && !refresh.papers_new) return { text: t("badgeNothingNew"), failed: false };
  return null;
}

export async function notificationsOn() {
  return (await chrome.storage.local.get(NOTIFY_SETTING))[NOTIFY_SETTING] !== false;
}

// One look: returns what was notified (or null), for the tests and the log.
export async function lookForNewMatches() {
  const { data: status } = await call("GET", "/status");
  const refresh = status.refresh;
  const { [SEEN]: seen } = await chrome.storage.local.get(SEEN);
  // A refresh under way: the last look stays the baseline until it ends (the first look ever makes one).
  if (refresh.state === "running" && seen) {
    await chrome.storage.local.set({ [SEEN]: { ...seen, looked: Date.now() } });
    return null;
  }
  const day = status.latest_day;
  const cards = day ? await radarCards(day) : [];
  const ended = refresh.state !== "running" && refresh.id !== null && refresh.id !== seen?.refresh;
  let notified = null;
  if (seen && ended && refresh.state === "finished" && !READER_TRIGGERS.has(refresh.trigger)) {
    const before = new Set(seen.day === day ? seen.ids : []);
    const added = cards.filter((card) => !before.has(card.id));
    if (added.length && (await notificationsOn())) notified = await notify(added, day);
  }
  if (ended || !seen) await setBadgeNote(refresh.state === "running" ? null : quietOrFailed(status));
  const ids = cards.map((card) => card.id);
  await chrome.storage.local.set({
    [SEEN]: { refresh: refresh.state === "running" ? null : refresh.id, day, ids, looked: Date.now() },
  });
  return notified;
}

// The popup, on its Radar tab of the notified day; where the browser cannot open the toolbar popup (no
// focused window, or no action.openPopup at all), the best match's page in a tab.
export async function openNotified() {
  const { [CLICK]: target } = await chrome.storage.session.get(CLICK);
  await chrome.notifications.clear(NOTIFICATION_ID);
  if (!target) return;
  const view = `${POPUP}?view=radar&day=${encodeURIComponent(target.day)}`;
  try {
    await chrome.action.setPopup({ popup: view });
    await chrome.action.openPopup();
  } catch {
    if (/^https?:/.test(target.url ?? "")) await chrome.tabs.create({ url: target.url });
  } finally {
    await chrome.action.setPopup({ popup: POPUP });
  }
}
