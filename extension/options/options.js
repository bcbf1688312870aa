// The options page: sources, radar rules, what the radar learns from, the model and the refresh schedule,
// each saved through the sidecar's API (via the service worker, like every call); and notifications, a
// setting of this browser.
import "../shared/protocol.js";
import { localize, t } from "../shared/i18n.js";
import { learningSection } from "./learning-section.js";
import { notifySection } from "./notify-section.js";
import { radarSection } from "./radar-section.js";
import { settingsSection } from "./settings-section.js";
import { sourcesSection } from "./sources-section.js";

const P = globalThis.AcademicHubProtocol;

localize();

const sections = [sourcesSection(), radarSection(), learningSection(), settingsSection()];
notifySection().load(); // the browser's own setting: shown whether or not the sidecar runs

async function start() {
  const state = document.querySelector("#sidecar-state");
  const reply = await P.sidecarState();
  if (!reply.ok) {
    const missing = reply.error?.code === P.ErrorCode.HOST_MISSING;
    state.textContent = t(missing ? "hostMissingTitle" : "sidecarDownTitle");
    state.className = "message error";
    return;
  }
  state.textContent = t("sidecarUp", [reply.data.version]);
  await Promise.all(sections.map((section) => section.load()));
}

start();
