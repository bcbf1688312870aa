// Sources: the ones followed, adding one from the catalogue or by feed URL, OPML import and export.
import "../shared/protocol.js";
import { el } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { say, sayFailure } from "./messages.js";

const P = globalThis.AcademicHubProtocol;
const $ = (selector) => document.querySelector(selector);

function sourceRow(source, onRemove) {
  const remove = el("button", {
    text: t("remove"),
    attrs: { type: "button", "aria-label": t("removeSource", [source.name]) },
  });
  remove.addEventListener("click", () => onRemove(source));
  return el("li", { attrs: { "data-key": source.key } }, [
    el("span", { className: "name" }, [
      el("span", { text: source.name }),
      el("span", { className: "detail", text: source.key.startsWith("url:") ? source.url : source.key }),
    ]),
    remove,
  ]);
}

export function sourcesSection() {
  const message = $("#sources-message");
  const followed = $("#followed");
  const query = $("#source-query");

  async function load() {
    const reply = await P.api("GET", "/sources");
    if (!reply.ok) return sayFailure(message, reply);
    const rows = reply.data.sources.map((s) => sourceRow(s, remove));
    followed.replaceChildren(...(rows.length ? rows : [el("li", { text: t("noSourcesTitle") })]));
  }

  async function remove(source) {
    const reply = await P.api("DELETE", `/sources/${encodeURIComponent(source.key)}`);
    if (!reply.ok) return sayFailure(message, reply);
    say(message, t("sourceRemoved", [source.name]));
    await load();
  }

  async function add(name) {
    const reply = await P.api("POST", "/sources", { body: { source: name } });
    if (!reply.ok) return sayFailure(message, reply);
    say(message, t("sourceAdded", [reply.data.name]));
    query.value = "";
    $("#catalogue-results").replaceChildren();
    await load();
  }

  // Suggestions from the catalogue as the user types, when the sidecar offers a catalogue search.
  let timer = 0;
  query.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = query.value.trim();
      if (text.length < 2 || /^https?:/i.test(text)) return;
      const reply = await P.api("GET", "/catalogue", { query: { search: text, limit: 20 } });
      if (!reply.ok) return; // no catalogue route: typing a key, a name or a URL still works
      const results = reply.data.sources ?? [];
      $("#catalogue").replaceChildren(...results.map((s) => el("option", { attrs: { value: s.key }, text: s.name })));
      $("#catalogue-results").replaceChildren(
        ...results.slice(0, 8).map((s) => {
          const button = el("button", {
            text: t("add"),
            attrs: { type: "button", "aria-label": t("addSource", [s.name]) },
          });
          button.addEventListener("click", () => add(s.key));
          return el("li", {}, [el("span", { className: "name", text: `${s.name} · ${s.key}` }), button]);
        }),
      );
    }, 200);
  });

  $("#add-source").addEventListener("submit", (event) => {
    event.preventDefault();
    if (query.value.trim()) add(query.value.trim());
  });

  $("#opml-file").addEventListener("change", async (event) => {
    const file = event.target.files?.[0];
    if (!file) return;
    const reply = await P.api("POST", "/sources/opml", { body: { opml: await file.text() } });
    event.target.value = "";
    if (!reply.ok) return sayFailure(message, reply);
    const { added, already, skipped = [] } = reply.data;
    say(message, t("opmlImported", [String(added.length), String(already.length), String(skipped.length)]));
    await load();
  });

  $("#opml-export").addEventListener("click", async () => {
    const reply = await P.api("GET", "/sources/opml");
    if (!reply.ok) return sayFailure(message, reply);
    const link = el("a", {
      attrs: {
        href: URL.createObjectURL(new Blob([reply.data], { type: "text/x-opml" })),
        download: "academichub-sources.opml",
      },
    });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    say(message, t("opmlExported"));
  });

  return { load };
}
