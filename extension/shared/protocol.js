// The one message protocol between the extension's parts. The service worker is the only door to the sidecar:
// the popup, the options page and the arXiv overlay send it these messages and never fetch 127.0.0.1
// themselves (a content script on arxiv.org cannot: Chromium's Local Network Access check blocks it).
//
// Content scripts cannot be ES modules, so this file is a classic script that defines
// globalThis.AcademicHubProtocol and nothing else; the worker and the pages import it for that side effect.
//
// Every request is {kind, ...}; every reply is {ok: true, status, data} or {ok: false, error: {code, detail,
// status?, field?}}. Streams (refresh progress, the briefing) go over a runtime Port named STREAM_PORT:
// the page posts one {method, path, body?}, the worker posts {event, data} per Server-Sent Event, then
// {end: true} or {error}.
(() => {
  const Kind = Object.freeze({
    API: "api", // {method, path, query?, body?}: any /api/v1 call (extension pages only)
    // {body: JSON text of {papers: [{id, title, abstract, authors, categories}]}}: the overlay's one call.
    // Text, not objects: the browser converts a message's objects one by one, which for a batch of 200
    // abstracts cost more than the matching; a string crosses at once, and goes on to the sidecar as it is.
    // The reply's `data` is the sidecar's answer as JSON text too.
    RADAR_MATCH: "radar.match",
    // {category}: what the radar says of the stored arXiv papers of a listing's category (GET /radar/listing),
    // asked as a listing page starts loading; the entries whose text is the stored text need no RADAR_MATCH.
    RADAR_LISTING: "radar.listing",
    // {}: the rules compiled for the overlay's own matcher (GET /radar/matcher), asked as a page starts
    // loading, so that the marks need no answer from the sidecar. `data` is the JSON text.
    RADAR_MATCHER: "radar.matcher",
    SIDECAR_STATE: "sidecar.state", // {}: is the sidecar up? data: {state: "up"|"down", code?, detail?}
    BADGE: "badge.update", // {}: recount today's radar matches for the toolbar badge
  });

  const ErrorCode = Object.freeze({
    HOST_MISSING: "host_missing", // no native host installed: `academichub install-native-host`
    SIDECAR_DOWN: "sidecar_down", // the host answered but the sidecar cannot be reached or started
    API: "api_error", // the sidecar answered with an ErrorBody
    BAD_MESSAGE: "bad_message", // a message this protocol does not know, or one the sender may not send
    WORKER_GONE: "worker_gone", // the service worker did not answer (extension reloaded, say)
  });

  const STREAM_PORT = "academichub.stream";
  const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
  // The sidecar's own body limit (4 MiB by default); a 1,000-entry listing is about 1.6 MB. It checks the papers.
  const MAX_MATCH_TEXT = 4 * 1024 * 1024;
  const CATEGORY = /^[a-z]+(-[a-z]+)?(\.[A-Za-z]+(-[a-z]+)?)?$/; // as /list/<category>/ spells it

  function isText(value, max) {
    return typeof value === "string" && value.length <= max;
  }

  // Checked by the worker on every message: what a sender may ask depends on where it runs.
  function validate(message, fromExtensionPage) {
    if (!message || typeof message !== "object") return "not an object";
    switch (message.kind) {
      case Kind.API:
        if (!fromExtensionPage) return "only extension pages may call the API";
        if (!METHODS.has(message.method)) return `unknown method ${String(message.method).slice(0, 20)}`;
        if (!isText(message.path, 500) || !message.path.startsWith("/") || message.path.includes(".."))
          return "path must be an /api/v1 path";
        return null;
      case Kind.RADAR_MATCH:
        return isText(message.body, MAX_MATCH_TEXT) && message.body.startsWith('{"papers":')
          ? null
          : "body must be the JSON text of {papers: [...]}";
      case Kind.RADAR_LISTING:
        return isText(message.category, 40) && CATEGORY.test(message.category) ? null : "not an arXiv category";
      case Kind.RADAR_MATCHER:
      case Kind.SIDECAR_STATE:
      case Kind.BADGE:
        return null;
      default:
        return `unknown kind ${String(message.kind).slice(0, 40)}`;
    }
  }

  function failure(code, detail, extra = {}) {
    return { ok: false, error: { code, detail, ...extra } };
  }

  async function send(message) {
    try {
      const reply = await chrome.runtime.sendMessage(message);
      return reply ?? failure(ErrorCode.WORKER_GONE, "the service worker sent no reply");
    } catch (err) {
      return failure(ErrorCode.WORKER_GONE, String(err?.message ?? err));
    }
  }

  const api = (method, path, { query, body } = {}) => send({ kind: Kind.API, method, path, query, body });
  // Resolves to a reply whose `data` is the parsed answer, as for every other call.
  async function matchRadar(papers) {
    const reply = await send({ kind: Kind.RADAR_MATCH, body: JSON.stringify({ papers }) });
    return reply.ok ? { ...reply, data: JSON.parse(reply.data) } : reply;
  }
  const radarListing = (category) => send({ kind: Kind.RADAR_LISTING, category });
  // `data` stays JSON text: the overlay parses and compiles it in one go, and times that.
  const radarMatcher = () => send({ kind: Kind.RADAR_MATCHER });
  const sidecarState = () => send({ kind: Kind.SIDECAR_STATE });
  const updateBadge = () => send({ kind: Kind.BADGE });

  // Relays one Server-Sent Event stream: onEvent(event, data) per event; `done` resolves when the stream
  // ends and rejects with {code, detail} on failure. The worker aborts its fetch when the port closes.
  function stream(method, path, body, onEvent) {
    const port = chrome.runtime.connect({ name: STREAM_PORT });
    let settle = null;
    const done = new Promise((resolve, reject) => {
      settle = (error) => {
        settle = null;
        port.disconnect();
        if (error) reject(error);
        else resolve();
      };
      port.onMessage.addListener((msg) => {
        if (!settle) return;
        if (msg.end) settle();
        else if (msg.error) settle(msg.error);
        else onEvent(msg.event, msg.data);
      });
      port.onDisconnect.addListener(() => {
        if (settle) settle({ code: ErrorCode.WORKER_GONE, detail: "the stream was closed" });
      });
    });
    port.postMessage({ method, path, body });
    // close() ends the stream early; `done` then resolves.
    return { done, close: () => settle?.() };
  }

  globalThis.AcademicHubProtocol = Object.freeze({
    Kind,
    ErrorCode,
    STREAM_PORT,
    MAX_MATCH_TEXT,
    validate,
    failure,
    api,
    matchRadar,
    radarListing,
    radarMatcher,
    sidecarState,
    updateBadge,
    stream,
  });
})();
