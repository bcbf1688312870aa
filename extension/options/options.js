// The options page: sources, radar rules, the model and the refresh schedule, each saved through the
// sidecar's API (via the service worker, like every call).
import "../shared/protocol.js";
import { localize, t } from "../shared/i18n.js";
import { radarSection } from "./radar-section.js";
import { settingsSection } from "./settings-section.js";
import { sourcesSection } from "./sources-section.js";

const P = globalThis.AcademicHubProtocol;

localize();

const sections = [sourcesSection(), radarSection(), settingsSection()];

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
