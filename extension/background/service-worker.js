// The only door from the extension to the local sidecar. It starts the sidecar through native messaging
// when the browser starts, relays the popup's, the options page's and the arXiv overlay's calls, and keeps
// the toolbar badge at today's radar-match count.
import { updateBadge } from "./badge.js";
import { onConnect, onMessage } from "./relay.js";
import { connect, forget } from "./sidecar.js";

const BADGE_ALARM = "academichub.badge";

async function launch() {
  await forget(); // a new browser session: whatever port we knew may belong to a sidecar long gone
  try {
    await connect();
  } catch {
    // No host or no sidecar yet: the popup says how to start it; every later call tries again.
  }
  await updateBadge();
}

// onStartup never fires for an extension loaded with --load-extension, and a fresh install should not wait
// for the next browser start, so both launch the sidecar.
chrome.runtime.onStartup.addListener(launch);
chrome.runtime.onInstalled.addListener(launch);

chrome.runtime.onMessage.addListener(onMessage);
chrome.runtime.onConnect.addListener(onConnect);

// The sidecar refreshes on its own schedule; the badge follows within the alarm's period.
// Created once: re-creating it on every worker start would restart its period, and the worker restarts often.
chrome.alarms.get(BADGE_ALARM).then((alarm) => {
  if (!alarm) chrome.alarms.create(BADGE_ALARM, { periodInMinutes: 15 });
});
chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === BADGE_ALARM) updateBadge();
});
