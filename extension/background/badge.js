// The toolbar badge: how many of today's papers match the radar (the day the popup opens on). Its tooltip
// also says why the last refresh brought nothing, when it did not (a note radar-notice.js sets): the badge
// is where a reader looks when no notification came.
import { call } from "./sidecar.js";

const NOTE = "badgeNote"; // chrome.storage.session
const COLOR = "#1e4078";
const WARNING = "#a8321e";

// note: {text, failed} or null.
export async function setBadgeNote(note) {
  if (note) await chrome.storage.session.set({ [NOTE]: note });
  else await chrome.storage.session.remove(NOTE);
  await updateBadge();
}

export async function updateBadge() {
  const { [NOTE]: note } = await chrome.storage.session.get(NOTE);
  try {
    const { data } = await call("GET", "/cards", { query: { radar: true, limit: 1 } });
    const count = data.total ?? 0;
    // A failed refresh turns the badge red, and shows "!" where there is no count to show.
    await chrome.action.setBadgeText({ text: count ? String(count) : note?.failed ? "!" : "" });
    await chrome.action.setBadgeBackgroundColor({ color: note?.failed ? WARNING : COLOR });
    const title = count ? chrome.i18n.getMessage("badgeTitle", [String(count)]) : chrome.i18n.getMessage("extName");
    await chrome.action.setTitle({ title: note ? `${title}\n${note.text}` : title });
    return count;
  } catch {
    // No sidecar, no count: an empty badge rather than a stale or made-up one.
    await chrome.action.setBadgeText({ text: "" });
    return null;
  }
}
