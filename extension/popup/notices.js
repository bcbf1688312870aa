// The popup's honest states: it says what is wrong and what to do, rather than showing an empty list.
import "../shared/protocol.js";
import { el } from "../shared/dom.js";
import { longDay, t } from "../shared/i18n.js";

const { ErrorCode } = globalThis.AcademicHubProtocol;

function notice(kind, children, role = "status") {
  return el("div", { className: `notice notice-${kind}`, attrs: { role, "data-notice": kind } }, children);
}

const command = (text) => el("code", { text });

export function sidecarDown(error, onRetry) {
  const missing = error?.code === ErrorCode.HOST_MISSING;
  return notice(
    missing ? "host-missing" : "sidecar-down",
    [
      el("p", { className: "notice-title", text: t(missing ? "hostMissingTitle" : "sidecarDownTitle") }),
      el("p", { text: t(missing ? "hostMissingHelp" : "sidecarDownHelp") }),
      command(missing ? "academichub install-native-host" : "academichub serve"),
      error?.detail ? el("p", { className: "notice-detail", text: error.detail }) : null,
      el("button", { className: "retry", text: t("tryAgain"), attrs: { type: "button" } }),
    ],
    "alert",
  );
}

export function apiFailed(error) {
  return notice("api-error", [el("p", { text: t("apiFailed", [error?.detail ?? String(error)]) })], "alert");
}

export function noSources() {
  return notice("no-sources", [
    el("p", { className: "notice-title", text: t("noSourcesTitle") }),
    el("p", { text: t("noSourcesHelp") }),
    el("button", { className: "choose-sources", text: t("chooseSources"), attrs: { type: "button" } }),
  ]);
}

export function noPapersYet() {
  return notice("no-papers", [el("p", { text: t("noPapersYet") })]);
}

// A weekend or holiday: arXiv announces nothing, the sidecar marks those sources "quiet".
export function quietDay(latestDay) {
  return notice("quiet-day", [
    el("p", { text: latestDay ? t("quietDay", [longDay(latestDay)]) : t("quietDayNoPapers") }),
  ]);
}

// The last refresh failed as a whole (its sources' own failures are failingSources): no notification came.
export function refreshFailed(error) {
  return notice("refresh-failed", [el("p", { text: t("lastRefreshFailed", [error || t("unknownReason")]) })]);
}

// Refreshes found no network: say since when, and that the cards are the last day fetched.
export function offline(since, latestDay) {
  const time = new Date(since).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return notice("offline", [
    el("p", { text: latestDay ? t("offlineSince", [time, longDay(latestDay)]) : t("offlineSinceNoPapers", [time]) }),
  ]);
}

// One line per failing source; past two, a summary line with the reasons folded underneath.
export function failingSources(statuses) {
  const lines = statuses.map(({ source, health }) =>
    el("p", { text: t("sourceFailing", [source.name, health.reason || health.last_error || t("unknownReason")]) }),
  );
  if (lines.length <= 2) return notice("failing", lines);
  const names = statuses.map(({ source }) => source.name).join(", ");
  return notice("failing", [
    el("details", {}, [el("summary", { text: t("sourcesFailing", [String(statuses.length), names]) }), ...lines]),
  ]);
}

export function nothingMatches(filter, query) {
  if (query) return notice("empty", [el("p", { text: t("noSearchResults", [query]) })]);
  if (filter.kind === "radar") {
    return notice("empty", [
      el("p", { text: t("noRadarMatches") }),
      el("button", { className: "edit-radar", text: t("editRadar"), attrs: { type: "button" } }),
    ]);
  }
  return notice("empty", [el("p", { text: t("noCardsHere") })]);
}
