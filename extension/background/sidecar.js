// The connection to the local sidecar: its {port, token} come from the native messaging host, which starts
// the sidecar when it is not running. They are kept in chrome.storage.session because this worker is
// stopped after 30 s idle and loses its variables; session storage outlives it but not the browser.
import "../shared/protocol.js";

const { ErrorCode } = globalThis.AcademicHubProtocol;

export const NATIVE_HOST = "org.academichub.sidecar";
const API = "/api/v1";
// The host may have to start the sidecar and wait for it to listen: a cold Python start on a slow laptop.
const HOST_TIMEOUT_MS = 30_000;
const CALL_TIMEOUT_MS = 30_000;

export class SidecarError extends Error {
  constructor(code, detail, extra = {}) {
    super(detail);
    this.code = code;
    this.extra = extra;
  }

  toReply() {
    return { ok: false, error: { code: this.code, detail: this.message, ...this.extra } };
  }
}

let connecting = null; // one native handshake at a time, shared by every caller waiting on it

function askHost() {
  return new Promise((resolve, reject) => {
    let port;
    try {
      port = chrome.runtime.connectNative(NATIVE_HOST);
    } catch (err) {
      reject(new SidecarError(ErrorCode.HOST_MISSING, String(err?.message ?? err)));
      return;
    }
    const timer = setTimeout(() => {
      port.disconnect();
      reject(new SidecarError(ErrorCode.SIDECAR_DOWN, "the native host did not answer in time"));
    }, HOST_TIMEOUT_MS);
    port.onMessage.addListener((msg) => {
      clearTimeout(timer);
      port.disconnect(); // the host exits on EOF; the sidecar it started lives on, detached
      if (msg?.type === "sidecar" && Number.isInteger(msg.port) && typeof msg.token === "string") {
        resolve({ port: msg.port, token: msg.token });
      } else {
        reject(new SidecarError(ErrorCode.SIDECAR_DOWN, String(msg?.detail ?? "the native host refused")));
      }
    });
    port.onDisconnect.addListener(() => {
      clearTimeout(timer);
      // Chromium says why in runtime.lastError, Firefox in the port's own `error`.
      const reason = (port.error ?? chrome.runtime.lastError)?.message ?? "the native host closed";
      // Chromium's and Firefox's words when no host manifest names this extension.
      const missing = /not found|forbidden|not allowed|no such native application/i.test(reason);
      const code = missing ? ErrorCode.HOST_MISSING : ErrorCode.SIDECAR_DOWN;
      reject(new SidecarError(code, reason));
    });
    // Our own origin: Firefox's is random per installation, and the sidecar lets in only ours.
    port.postMessage({ type: "connect", origin: chrome.runtime.getURL("").replace(/\/$/, "") });
  });
}

// Asks the host afresh (it starts the sidecar if needed) and keeps the answer.
export function connect() {
  if (!connecting) {
    connecting = askHost()
      .then(async (sidecar) => {
        remembered = sidecar;
        await chrome.storage.session.set({ sidecar });
        return sidecar;
      })
      .finally(() => {
        connecting = null;
      });
  }
  return connecting;
}

// Kept in memory too while this worker lives (a storage read per call is one more round trip), and
// following session storage, which stays the truth.
let remembered = null;
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "session" && "sidecar" in changes) remembered = changes.sidecar.newValue ?? null;
});

async function known() {
  if (!remembered) remembered = (await chrome.storage.session.get("sidecar")).sidecar ?? null;
  return remembered;
}

export async function forget() {
  remembered = null;
  await chrome.storage.session.remove("sidecar");
}

function url(sidecar, path, query) {
  const target = new URL(`http://127.0.0.1:${sidecar.port}${API}${path}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") target.searchParams.set(key, String(value));
  }
  return target;
}

// `stream`: no time limit (a briefing takes as long as the model does); the caller's signal ends it.
async function fetchOnce(sidecar, method, path, { query, body, text, signal, accept, stream = false } = {}) {
  const headers = { Authorization: `Bearer ${sidecar.token}` };
  if (accept) headers.Accept = accept;
  if (body !== undefined || text !== undefined) headers["Content-Type"] = "application/json";
  const limits = [signal, stream ? null : AbortSignal.timeout(CALL_TIMEOUT_MS)].filter(Boolean);
  const json = text ?? (body === undefined ? undefined : JSON.stringify(body));
  // A Blob, not a string: Chromium uploads a 300 KB body to the loopback in about two thirds of the time.
  const payload = json === undefined ? undefined : new Blob([json]);
  let response;
  try {
    response = await fetch(url(sidecar, path, query), {
      method,
      headers,
      body: payload,
      signal: limits.length ? AbortSignal.any(limits) : undefined,
      cache: "no-store",
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    // Connection refused: the sidecar stopped, or restarted on another port.
    throw new SidecarError(ErrorCode.SIDECAR_DOWN, `the sidecar at 127.0.0.1:${sidecar.port} did not answer`);
  }
  return response;
}

// A response from a sidecar that is really ours: 401 means the token (or the port's owner) changed.
async function fetchWithReconnect(method, path, options) {
  const cached = await known();
  const first = cached ?? (await connect());
  try {
    const response = await fetchOnce(first, method, path, options);
    if (response.status !== 401 || !cached) return response;
  } catch (err) {
    if (!(err instanceof SidecarError) || !cached) throw err;
  }
  await forget();
  return fetchOnce(await connect(), method, path, options);
}

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not an ErrorBody: say what we know
  }
  return new SidecarError(ErrorCode.API, body?.detail ?? `the sidecar answered ${response.status}`, {
    status: response.status,
    error: body?.error ?? null,
    field: body?.field ?? null,
  });
}

// One API call. Returns {status, data} (data: parsed JSON, or text for exports); throws SidecarError.
// `text`: a body already JSON, sent as it is, and the answer returned as text unparsed (the overlay's);
// `raw`: the answer as text unparsed (a content script parses it: a string crosses to it at once).
export async function call(method, path, { query, body, text, raw = text !== undefined } = {}) {
  const response = await fetchWithReconnect(method, path, { query, body, text });
  if (!response.ok) throw await errorFrom(response);
  const type = response.headers.get("Content-Type") ?? "";
  const data = type.includes("json") && !raw ? await response.json() : await response.text();
  return { status: response.status, data };
}

// Server-Sent Events from the sidecar, as {event, data} objects, until the stream ends or signal aborts.
export async function* events(method, path, { body, signal } = {}) {
  const options = { body, signal, accept: "text/event-stream", stream: true };
  const response = await fetchWithReconnect(method, path, options);
  if (!response.ok) throw await errorFrom(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    // An idle worker is stopped after 30 s without extension events; reading a stream is none, but calling
    // an extension API resets the clock, and the sidecar's keepalives come every 15 s.
    chrome.runtime.getPlatformInfo();
    buffer += value.replaceAll("\r\n", "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (!data.length) continue; // comments (keepalives) and retry hints
      let parsed = data.join("\n");
      try {
        parsed = JSON.parse(parsed);
      } catch {
        // plain-text data stays text
      }
      yield { event, data: parsed };
    }
  }
}
