// What the reader did with a paper, kept in the browser: which cards were read and which were starred.
// (chrome.storage.local survives restarts and stays on the machine; a star is also sent to the sidecar, whose
// learned radar learns from it.)
const READ = "read";
const STARRED = "starred";
// A year of mornings; older read marks are dropped so the record stays small.
const KEEP_READ_DAYS = 365;

export class Marks {
  constructor(read = {}, starred = {}) {
    this.read = read;
    this.starred = starred;
  }

  static async load() {
    const stored = await chrome.storage.local.get([READ, STARRED]);
    return new Marks(stored[READ] ?? {}, stored[STARRED] ?? {});
  }

  isRead(id) {
    return id in this.read;
  }

  isStarred(id) {
    return id in this.starred;
  }

  async markRead(id) {
    if (this.isRead(id)) return;
    const cutoff = Date.now() - KEEP_READ_DAYS * 86_400_000;
    const kept = Object.entries(this.read).filter(([, when]) => when >= cutoff);
    this.read = Object.fromEntries([...kept, [id, Date.now()]]);
    await chrome.storage.local.set({ [READ]: this.read });
  }

  async toggleStar(id) {
    if (this.isStarred(id)) delete this.starred[id];
    else this.starred[id] = Date.now();
    await chrome.storage.local.set({ [STARRED]: this.starred });
    return this.isStarred(id);
  }
}
