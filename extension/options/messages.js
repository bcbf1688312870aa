// A section's one-line outcome: what was saved, or what failed and why (from the sidecar's ErrorBody).
import { t } from "../shared/i18n.js";

export function say(element, text, isError = false) {
  element.textContent = text;
  element.classList.toggle("error", isError);
}

export function sayFailure(element, reply) {
  say(element, t("saveFailed", [reply.error?.detail ?? reply.error?.code ?? "?"]), true);
}

export const lines = (text) =>
  text
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);

export const commaList = (text) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
