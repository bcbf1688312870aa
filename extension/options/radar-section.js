// The radar rules: a name, terms (words, "exact phrases", prefix wildcards like neur*), optional authors,
// categories or sources, excluded terms and a weight. The sidecar validates them and does the matching.
import "../shared/protocol.js";
import { el } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { commaList, lines, say, sayFailure } from "./messages.js";

const P = globalThis.AcademicHubProtocol;
const $ = (selector) => document.querySelector(selector);
const RULES = "/radar/rules";

function describe(rule) {
  const parts = [];
  if (rule.terms?.length) parts.push(`${t("ruleTerms")} ${rule.terms.join(", ")}`);
  if (rule.authors?.length) parts.push(`${t("ruleAuthors")} ${rule.authors.join(", ")}`);
  if (rule.categories?.length) parts.push(`${t("ruleCategories")} ${rule.categories.join(", ")}`);
  if (rule.sources?.length) parts.push(`${t("ruleSources")} ${rule.sources.join(", ")}`);
  if (rule.exclude?.length) parts.push(`${t("ruleExclude")} ${rule.exclude.join(", ")}`);
  parts.push(`${t("ruleWeight")} ${rule.weight ?? 1}`);
  return parts.join(" · ");
}

export function radarSection() {
  const form = $("#rule-form");
  const message = $("#radar-message");
  const list = $("#rules");
  let editing = null; // the name of the rule in the form, or null for a new one

  function edit(rule) {
    editing = rule?.name ?? null;
    $("#rule-legend").textContent = rule ? t("ruleEdit", [rule.name]) : t("ruleNew");
    $("#rule-cancel").hidden = !rule;
    form.elements.name.value = rule?.name ?? "";
    form.elements.terms.value = (rule?.terms ?? []).join("\n");
    form.elements.authors.value = (rule?.authors ?? []).join("\n");
    form.elements.categories.value = (rule?.categories ?? []).join(", ");
    form.elements.sources.value = (rule?.sources ?? []).join(", ");
    form.elements.exclude.value = (rule?.exclude ?? []).join("\n");
    form.elements.weight.value = rule?.weight ?? 1;
    if (rule) form.elements.name.focus();
  }

  function row(rule) {
    const editButton = el("button", {
      text: t("edit"),
      attrs: { type: "button", "aria-label": t("editRule", [rule.name]) },
    });
    const removeButton = el("button", {
      text: t("remove"),
      attrs: { type: "button", "aria-label": t("removeRule", [rule.name]) },
    });
    editButton.addEventListener("click", () => edit(rule));
    removeButton.addEventListener("click", () => remove(rule));
    return el("li", { attrs: { "data-rule": rule.name } }, [
      el("span", { className: "name" }, [
        el("strong", { text: rule.name }),
        el("span", { className: "detail", text: describe(rule) }),
      ]),
      editButton,
      removeButton,
    ]);
  }

  async function load() {
    const reply = await P.api("GET", RULES);
    if (!reply.ok) return sayFailure(message, reply);
    const rules = reply.data.rules ?? reply.data;
    list.replaceChildren(...(rules.length ? rules.map(row) : [el("li", { text: t("radarEmpty") })]));
  }

  async function remove(rule) {
    const reply = await P.api("DELETE", `${RULES}/${encodeURIComponent(rule.name)}`);
    if (!reply.ok) return sayFailure(message, reply);
    say(message, t("ruleRemoved", [rule.name]));
    if (editing === rule.name) edit(null);
    await load();
    P.updateBadge();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const rule = {
      name: form.elements.name.value.trim(),
      terms: lines(form.elements.terms.value),
      authors: lines(form.elements.authors.value),
      categories: commaList(form.elements.categories.value),
      sources: commaList(form.elements.sources.value),
      exclude: lines(form.elements.exclude.value),
      weight: Number(form.elements.weight.value || 1),
    };
    const reply = editing
      ? await P.api("PUT", `${RULES}/${encodeURIComponent(editing)}`, { body: rule })
      : await P.api("POST", RULES, { body: rule });
    if (!reply.ok) return sayFailure(message, reply);
    say(message, t("ruleSaved", [rule.name]));
    edit(null);
    await load();
    P.updateBadge();
  });

  $("#rule-cancel").addEventListener("click", () => edit(null));

  return { load };
}
