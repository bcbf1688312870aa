// The only door from the extension to the local sidecar. The popup, the options page and the arXiv overlay
// will all talk to the sidecar through this worker (a content script on arxiv.org cannot reach 127.0.0.1).
export const SIDECAR_HOST = "127.0.0.1";
