// Notifications: whether a scheduled refresh's new radar matches are announced (extension/background/
// radar-notice.js). A setting of this browser, not of the sidecar: kept in chrome.storage.local, saved as
// the box is ticked, and readable without a sidecar running.
import { t } from "../shared/i18n.js";
import { say } from "./messages.js";

const SETTING = "notifyRadar"; // as radar-notice.js reads it; absent means on

export function notifySection() {
  const box = document.querySelector("#notify-radar");
  const message = document.querySelector("#notify-message");

  box.addEventListener("change", async () => {
    await chrome.storage.local.set({ [SETTING]: box.checked });
    say(message, t("saved"));
  });

  async function load() {
    box.checked = (await chrome.storage.local.get(SETTING))[SETTING] !== false;
  }

  return { load };
}
