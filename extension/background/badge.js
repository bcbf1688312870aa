// The toolbar badge: how many of today's papers match the radar (the day the popup opens on).
import { call } from "./sidecar.js";

export async function updateBadge() {
  try {
    const { data } = await call("GET", "/cards", { query: { radar: true, limit: 1 } });
    const count = data.total ?? 0;
    await chrome.action.setBadgeText({ text: count ? String(count) : "" });
    await chrome.action.setBadgeBackgroundColor({ color: "#1e4078" });
    await chrome.action.setTitle({
      title: count ? chrome.i18n.getMessage("badgeTitle", [String(count)]) : chrome.i18n.getMessage("extName"),
    });
    return count;
  } catch {
    // No sidecar, no count: an empty badge rather than a stale or made-up one.
    await chrome.action.setBadgeText({ text: "" });
    return null;
  }
}
