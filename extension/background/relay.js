// Answers the protocol's messages (extension/shared/protocol.js) by calling the sidecar. What a sender may
// ask depends on where it runs: extension pages may call any API route; the arXiv overlay only asks the radar.
import "../shared/protocol.js";
import { updateBadge } from "./badge.js";
import { call, connect, events, SidecarError } from "./sidecar.js";

const { Kind, ErrorCode, validate, failure } = globalThis.AcademicHubProtocol;

function fromExtensionPage(sender) {
  return sender.id === chrome.runtime.id && (sender.url ?? "").startsWith(chrome.runtime.getURL(""));
}

function asReply(err) {
  if (err instanceof SidecarError) return err.toReply();
  return failure(ErrorCode.SIDECAR_DOWN, String(err?.message ?? err));
}

async function answer(message) {
  switch (message.kind) {
    case Kind.API: {
      const { status, data } = await call(message.method, message.path, {
        query: message.query,
        body: message.body,
      });
      return { ok: true, status, data };
    }
    case Kind.RADAR_MATCH: {
      const { status, data } = await call("POST", "/radar/match", { text: message.body });
      return { ok: true, status, data };
    }
    case Kind.RADAR_LISTING: {
      const { status, data } = await call("GET", "/radar/listing", { query: { category: message.category } });
      return { ok: true, status, data };
    }
    case Kind.RADAR_MATCHER: {
      const { status, data } = await call("GET", "/radar/matcher", { raw: true });
      return { ok: true, status, data };
    }
    case Kind.SIDECAR_STATE: {
      const { data } = await call("GET", "/status");
      return { ok: true, status: 200, data: { state: "up", version: data.version } };
    }
    case Kind.BADGE:
      return { ok: true, status: 200, data: { count: await updateBadge() } };
    default:
      return failure(ErrorCode.BAD_MESSAGE, "unknown kind");
  }
}

export function onMessage(message, sender, sendResponse) {
  if (sender.id !== chrome.runtime.id) return false;
  const problem = validate(message, fromExtensionPage(sender));
  if (problem) {
    sendResponse(failure(ErrorCode.BAD_MESSAGE, problem));
    return false;
  }
  answer(message).then(sendResponse, (err) => sendResponse(asReply(err)));
  return true; // the reply comes later
}

// A page's stream: one request in, its Server-Sent Events out, until either side closes.
export function onConnect(port) {
  if (port.name !== globalThis.AcademicHubProtocol.STREAM_PORT || !fromExtensionPage(port.sender)) {
    port.disconnect();
    return;
  }
  const abort = new AbortController();
  port.onDisconnect.addListener(() => abort.abort());
  port.onMessage.addListener(async (request) => {
    const problem = validate({ kind: Kind.API, ...request }, true);
    if (problem) {
      port.postMessage({ error: { code: ErrorCode.BAD_MESSAGE, detail: problem } });
      return;
    }
    try {
      for await (const item of events(request.method, request.path, { body: request.body, signal: abort.signal })) {
        port.postMessage(item);
      }
      port.postMessage({ end: true });
    } catch (err) {
      if (!abort.signal.aborted) port.postMessage(asReply(err));
    }
  });
}

export { connect };
