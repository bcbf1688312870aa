// An entry's text fingerprint, the twin of sidecar/academichub/radar/fingerprint.py: CRC-32 of the UTF-8 of
// the title, the abstract and each author's name, a line feed between them, with white space collapsed as
// the store keeps it. When it equals the stored paper's, the page shows the very text the radar read, and
// the radar's spans on the stored text map onto the page's (`collapse`, `uncollapse`).
(() => {
  const overlay = (globalThis.AcademicHubOverlay ??= { pages: [] });

  // CRC-32 (IEEE), four bytes a step ("slicing by 4"): a 1,000-entry listing is 1.6 MB to fingerprint.
  const TABLES = [0, 1, 2, 3].map(() => new Int32Array(256));
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    TABLES[0][n] = c;
  }
  for (let n = 0; n < 256; n += 1) {
    for (let t = 1; t < 4; t += 1) TABLES[t][n] = TABLES[0][TABLES[t - 1][n] & 0xff] ^ (TABLES[t - 1][n] >>> 8);
  }
  const [T0, T1, T2, T3] = TABLES;
  const encoder = new TextEncoder();
  let buffer = new Uint8Array(1 << 16); // reused: an entry's UTF-8 is written into it, not a new array

  function crc32(text) {
    if (buffer.length < text.length * 3) buffer = new Uint8Array(text.length * 3);
    const { written } = encoder.encodeInto(text, buffer);
    const b = buffer;
    let c = -1;
    let i = 0;
    for (; i + 4 <= written; i += 4) {
      c ^= b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
      c = T3[c & 0xff] ^ T2[(c >>> 8) & 0xff] ^ T1[(c >>> 16) & 0xff] ^ T0[c >>> 24];
    }
    for (; i < written; i += 1) c = T0[(c ^ b[i]) & 0xff] ^ (c >>> 8);
    return ((c ^ -1) >>> 0).toString(16).padStart(8, "0");
  }

  // Python's " ".join(text.split()), near enough: a white space character that only one of them counts
  // as such just makes the fingerprints differ, and the entry is sent to the radar as it is.
  const collapsed = (text) => text.trim().replace(/\s+/g, " ");

  // Maps offsets into the collapsed text back onto `text`: word by word (a page's text is mostly the
  // stored text between a line feed or two), so a 2,000-character abstract costs a few hundred steps.
  function collapse(text) {
    const lead = text.length - text.trimStart().length;
    const words = [...text.matchAll(/\S+/g)];
    const from = []; // where each word starts in the collapsed text
    let length = 0;
    for (const word of words) {
      from.push(length);
      length += word[0].length + 1;
    }
    // The raw offset of collapsed offset k (k inside a word, or the space after it).
    const rawAt = (k) => {
      let lo = 0;
      let hi = from.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (from[mid] <= k) lo = mid;
        else hi = mid - 1;
      }
      return words.length ? words[lo].index + (k - from[lo]) : lead;
    };
    return { length: Math.max(0, length - 1), rawAt };
  }

  // [start, end) offsets into the collapsed text -> offsets into the text it was collapsed from.
  function uncollapse(collapsedText, spans) {
    return spans
      .filter(([start, end]) => start < end && end <= collapsedText.length)
      .map(([start, end]) => [collapsedText.rawAt(start), collapsedText.rawAt(end - 1) + 1]);
  }

  overlay.collapsed = collapsed;
  overlay.fingerprint = (title, abstract, authors) => crc32([title, abstract, ...authors].join("\n"));
  overlay.collapse = collapse;
  overlay.uncollapse = uncollapse;
})();
