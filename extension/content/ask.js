// Asking the sidecar, through the service worker (a content script cannot reach 127.0.0.1): the rules
// compiled for the page's own matcher, what the radar says of a listing's stored papers, and the radar's
// answer for entries. A failed call answers {ok: false, error}; the overlay then shows nothing and tries
// again later (`retryIn`), so it works as soon as the sidecar is up.
(() => {
  const overlay = (globalThis.AcademicHubOverlay ??= { pages: [] });
  const P = globalThis.AcademicHubProtocol;

  const RETRY_SECONDS = [2, 5, 10, 20, 40, 60, 120, 300];
  const GIVE_UP = new Set([P.ErrorCode.BAD_MESSAGE, P.ErrorCode.API]);

  // {ok: true, radar, ms} with the compiled matcher and how long parsing and compiling it took, or
  // {ok: false, error}.
  async function matcher() {
    const reply = await P.radarMatcher();
    if (!reply.ok) return reply;
    const started = performance.now();
    try {
      const radar = globalThis.AcademicHubMatcher.compile(JSON.parse(reply.data));
      return { ok: true, radar, ms: performance.now() - started };
    } catch (err) {
      return { ok: false, error: { code: P.ErrorCode.API, detail: String(err?.message ?? err) } };
    }
  }

  // On a listing, what the radar says of the stored papers of its category (null: nothing, or no sidecar).
  async function stored(page) {
    if (!page.category) return null;
    const reply = await P.radarListing(page.category(location)).catch(() => null);
    if (!reply?.ok) return null;
    return {
      papers: new Map(Object.entries(reply.data.papers ?? {})),
      matches: new Map((reply.data.matches ?? []).map((match) => [match.id, match])),
    };
  }

  // The radar's answer for these papers: {ok, data: {matches, dismissed}} or {ok: false, error}.
  const radar = (papers) => P.matchRadar(papers);

  // Whether the sidecar could not be asked at all (not running, no host): then the page waits to try again.
  // An error it answered (no compiled rules from an older sidecar, an unknown format) is no reason to: its
  // own answers mark the page.
  const unreachable = (error) => error?.code !== P.ErrorCode.API;

  // Seconds until the next try after `failures` failed rounds; null: do not try again.
  function retryIn(error, failures) {
    if (GIVE_UP.has(error?.code) || failures >= RETRY_SECONDS.length) return null;
    return RETRY_SECONDS[failures];
  }

  overlay.ask = { matcher, stored, radar, retryIn, unreachable };
})();
