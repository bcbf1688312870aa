// The only door from the extension to the local sidecar. It starts the sidecar through native messaging
// when the browser starts, relays the popup's, the options page's and the arXiv overlay's calls, keeps
// the toolbar badge at today's radar-match count, and notifies new radar matches after a scheduled refresh.
import { updateBadge } from "./badge.js";
import { lookForNewMatches, NOTIFICATION_ID, openNotified } from "./radar-notice.js";
import { onConnect, onMessage } from "./relay.js";
import { connect, forget } from "./sidecar.js";

const WATCH_ALARM = "academichub.watch";
const WATCH_MINUTES = 5; // how late a notification may come after the refresh that earns it
const OLD_ALARMS = ["academichub.badge"]; // the badge's own alarm, before it also looked for new matches

async function watch() {
  try {
    await lookForNewMatches();
  } catch {
    // No sidecar now: the next look tries again; the badge empties below.
  }
  await updateBadge();
}

async function launch() {
  await forget(); // a new browser session: whatever port we knew may belong to a sidecar long gone
  try {
    await connect();
  } catch {
    // No host or no sidecar yet: the popup says how to start it; every later call tries again.
  }
  await watch();
}

// onStartup never fires for an extension loaded with --load-extension, and a fresh install should not wait
// for the next browser start, so both launch the sidecar.
chrome.runtime.onStartup.addListener(launch);
chrome.runtime.onInstalled.addListener(launch);

chrome.runtime.onMessage.addListener(onMessage);
chrome.runtime.onConnect.addListener(onConnect);

// The sidecar refreshes on its own schedule; the badge and the notification follow within the alarm's
// period. Created once: re-creating it on every worker start would restart its period, and the worker
// restarts often.
chrome.alarms.get(WATCH_ALARM).then((alarm) => {
  if (!alarm) chrome.alarms.create(WATCH_ALARM, { periodInMinutes: WATCH_MINUTES });
});
for (const name of OLD_ALARMS) chrome.alarms.clear(name);
chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WATCH_ALARM) watch();
});

chrome.notifications.onClicked.addListener((id) => {
  if (id === NOTIFICATION_ID) openNotified();
});
