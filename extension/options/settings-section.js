// The model (chosen from the models found, or a GGUF path; threads, GPU layers) and the refresh schedule:
// both live in the sidecar's settings file, read and written through its API.
import "../shared/protocol.js";
import { t } from "../shared/i18n.js";
import { say, sayFailure } from "./messages.js";

const P = globalThis.AcademicHubProtocol;
const $ = (selector) => document.querySelector(selector);

const SETTINGS = "/settings";
const MODELS = "/models";

// The models that can write the briefing (bundled, configured, found running): picking one fills the form's
// path, endpoint and endpoint_model, which Save sends like any other model setting.
async function offerModels(form) {
  const select = $("#model-choice");
  const reply = await P.api("GET", MODELS);
  if (!reply.ok) {
    select.hidden = true;
    return;
  }
  const models = reply.data.models ?? [];
  select.replaceChildren(
    ...models.map((choice, i) => {
      const option = document.createElement("option");
      option.value = String(i);
      option.textContent = `${choice.name} — ${choice.runtime}${choice.available ? "" : ` (${t("modelMissing")})`}`;
      option.selected = choice.selected;
      return option;
    }),
  );
  select.onchange = () => {
    const choice = models[Number(select.value)];
    if (choice) fill(form, { path: choice.path, endpoint: choice.endpoint, endpoint_model: choice.endpoint_model });
  };
}

function fill(form, values) {
  for (const input of form.elements) {
    if (!input.name || !(input.name in values)) continue;
    if (input.type === "checkbox") input.checked = Boolean(values[input.name]);
    else input.value = values[input.name] ?? "";
  }
}

function enable(form, on) {
  for (const input of form.elements) input.disabled = !on;
}

function read(form) {
  const values = {};
  for (const input of form.elements) {
    if (!input.name) continue;
    if (input.type === "checkbox") values[input.name] = input.checked;
    else if (input.type === "number") values[input.name] = Number(input.value);
    else values[input.name] = input.value.trim();
  }
  return values;
}

export function settingsSection() {
  const forms = { model: $("#model-form"), refresh: $("#schedule-form") };
  const messages = { model: $("#model-message"), refresh: $("#schedule-message") };
  // Closed until the saved settings are shown: a value typed before they arrive would be overwritten.
  for (const form of Object.values(forms)) enable(form, false);

  async function load() {
    const reply = await P.api("GET", SETTINGS);
    if (!reply.ok) {
      const missing = reply.error?.status === 404 || reply.error?.status === 405;
      for (const [part, form] of Object.entries(forms)) {
        if (missing) {
          say(messages[part], t("settingsUnavailable"), true);
        } else {
          sayFailure(messages[part], reply);
        }
      }
      return;
    }
    fill(forms.model, reply.data.model ?? {});
    fill(forms.refresh, reply.data.refresh ?? {});
    await offerModels(forms.model);
    for (const form of Object.values(forms)) enable(form, true);
  }

  for (const [part, form] of Object.entries(forms)) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const reply = await P.api("PATCH", SETTINGS, { body: { [part]: read(form) } });
      if (!reply.ok) return sayFailure(messages[part], reply);
      fill(form, reply.data[part] ?? {});
      if (part === "model") await offerModels(form);
      say(messages[part], t("saved"));
    });
  }

  return { load };
}
