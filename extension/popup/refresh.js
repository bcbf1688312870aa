// The refresh button and its progress: POST /refresh starts one (or joins the one running), and the
// sidecar's `refresh` events say how many sources are done and how many papers are new.
import "../shared/protocol.js";
import { t } from "../shared/i18n.js";

const P = globalThis.AcademicHubProtocol;

export function watchRefresh({ button, box, onFinished }) {
  const bar = box.querySelector("progress");
  const text = box.querySelector(".refresh-text");
  let following = null;

  function show(progress) {
    box.hidden = false;
    bar.max = Math.max(1, progress.sources_total);
    bar.value = progress.sources_done;
    text.textContent =
      progress.state === "failed"
        ? t("refreshFailed", [progress.error ?? ""])
        : t("refreshProgress", [
            String(progress.sources_done),
            String(progress.sources_total),
            String(progress.papers_new),
          ]);
  }

  function settle(progress) {
    button.removeAttribute("aria-busy");
    button.disabled = false;
    if (progress?.state === "finished") {
      text.textContent = t("refreshDone", [String(progress.papers_new)]);
      setTimeout(() => {
        box.hidden = true;
      }, 3000);
    }
  }

  // Follows the refresh with this id (or whichever is running) until it finishes or fails.
  function follow(id = null) {
    if (following) return following;
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
    let last = null;
    const stream = P.stream("GET", "/events", undefined, (event, data) => {
      if (event !== "refresh" || !data?.progress) return;
      const progress = data.progress;
      if (id && progress.id !== id) return; // the previous refresh's last word
      show(progress);
      last = progress;
      if (progress.state === "finished" || progress.state === "failed") stream.close();
    });
    following = stream.done
      .catch(() => {})
      .then(async () => {
        following = null;
        settle(last);
        if (last?.state === "finished") await onFinished();
      });
    return following;
  }

  button.addEventListener("click", async () => {
    const reply = await P.api("POST", "/refresh");
    if (!reply.ok) {
      box.hidden = false;
      text.textContent = t("refreshFailed", [reply.error.detail ?? ""]);
      return;
    }
    follow(reply.data.id);
  });

  return { follow };
}
