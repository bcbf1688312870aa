// The radar's matcher in the page: runs the data the sidecar compiles from the rules
// (sidecar/academichub/radar/compiled.py, GET /radar/matcher) and finds what the sidecar would find, with
// spans on the very strings given (UTF-16 offsets, as the page counts). It holds no rule of its own: the
// fold table, the character classes, the terms' patterns and the author names all come from that data,
// and tests/radar/test_compiled_matcher.py proves both matchers agree on thousands of real papers.
//
// A classic script (content scripts cannot be modules) that node can also require, for that test.
(() => {
  const FORMAT = 1;
  const FIELD_ORDER = { title: 0, authors: 1, abstract: 2 };
  const NON_ASCII = /[^\x00-\x7f]/gu;

  // Which ASCII characters a class holds (non-ASCII ones are all letters in folded text: see compiled.py).
  function asciiTable(source) {
    const regex = new RegExp(`^${source}$`, "u");
    const table = new Uint8Array(128);
    for (let c = 0; c < 128; c += 1) table[c] = regex.test(String.fromCharCode(c)) ? 1 : 0;
    return table;
  }

  // Whether text is all ASCII: its UTF-8 is as long as it is (the encoder runs in native code, several
  // times faster than a regex over a page's 1.5 MB).
  const encoder = new TextEncoder();
  let scratch = new Uint8Array(1 << 16);
  function isAscii(text) {
    if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
    return encoder.encodeInto(text, scratch).written === text.length;
  }
  const lowerAscii = (text, ascii = isAscii(text)) =>
    ascii ? text.toLowerCase() : text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
  const lowerShort = (text) => (/[A-Z]/.test(text) ? text.replace(/[A-Z]+/g, (run) => run.toLowerCase()) : text);
  // The sidecar's scan reads a word by its shape: ASCII lower-case, any other character as one \x80.
  const shape = (text) => lowerAscii(text).replace(NON_ASCII, "\x80");

  const codeLength = (text) => {
    let n = 0;
    for (const _ of text) n += 1;
    return n;
  };

  // Python compares strings by code points; UTF-16 order differs only past U+E000 against astral ones.
  function compareText(a, b) {
    if (a === b) return 0;
    const x = [...a];
    const y = [...b];
    for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
      if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0);
    }
    return x.length - y.length;
  }

  // Index of the last of the sorted `starts` that is <= `value`, or -1 (Python's bisect_right - 1).
  function lastAtMost(starts, value, step = 1) {
    let lo = 0;
    let hi = starts.length / step;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid * step] <= value) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  function makeFolder(table) {
    const { starts, ends, values, combining, ligatures } = table;
    const tex = new RegExp(table.tex, "gu");
    const cache = new Map();

    function foldCode(code) {
      let folded = cache.get(code);
      if (folded !== undefined) return folded;
      const i = lastAtMost(starts, code);
      const char = String.fromCodePoint(code);
      if (i < 0 || code >= ends[i]) folded = char;
      else if (typeof values[i] === "string") folded = values[i];
      else if (typeof values[i] === "number") folded = String.fromCodePoint(code + values[i]);
      else folded = char.normalize("NFKD");
      cache.set(code, folded);
      return folded;
    }

    function isCombining(code) {
      const i = lastAtMost(combining, code, 2);
      return i >= 0 && code < combining[2 * i + 1];
    }

    function foldTex(groups) {
      if (groups.greek) return groups.greek.toLowerCase();
      if (groups.ligature) return ligatures[groups.ligature.toLowerCase()];
      return (groups.accented ?? groups.marked).toLowerCase();
    }

    // (start, end, replacement) of everything folding changes, in order.
    function changes(text, backslash, ascii) {
      const found = [];
      if (backslash) {
        for (const m of text.matchAll(tex)) {
          const start = m.index > 0 && text[m.index - 1] === "{" ? m.index - 1 : m.index;
          found.push([start, m.index + m[0].length, foldTex(m.groups)]);
        }
      }
      if (!ascii) {
        for (const m of text.matchAll(NON_ASCII)) found.push([m.index, m.index + m[0].length, foldCode(m[0].codePointAt(0))]);
        if (found.length > 1) found.sort((a, b) => a[0] - b[0] || a[1] - b[1] || compareText(a[2], b[2]));
      }
      return found;
    }

    // {text, original, marks, markStarts}: marks are the pieces whose length changed, as
    // [folded start, folded length, original start, original end]. `lower`: ASCII letters lower-cased too
    // (the text between changes is all ASCII), as the scans read it; `ascii` is then left out.
    function fold(text, lower = false) {
      const backslash = text.includes("\\");
      const ascii = isAscii(text);
      const same = lower ? (piece) => piece.toLowerCase() : (piece) => piece;
      if (ascii && !backslash) return { text: same(text), original: text, ascii, marks: [], markStarts: [] };
      const pieces = [];
      const marks = [];
      let foldedAt = 0;
      let last = 0;
      for (const [start, end, replacement] of changes(text, backslash, ascii)) {
        if (start < last) continue;
        if (start > last) {
          pieces.push(same(text.slice(last, start)));
          foldedAt += start - last;
        }
        pieces.push(lower ? lowerShort(replacement) : replacement);
        if (replacement.length !== end - start) marks.push([foldedAt, replacement.length, start, end]);
        foldedAt += replacement.length;
        last = end;
      }
      pieces.push(same(text.slice(last)));
      const folded = pieces.join("");
      return {
        text: folded,
        original: text,
        ascii: lower ? undefined : ascii || isAscii(folded),
        marks,
        markStarts: marks.map((m) => m[0]),
      };
    }

    // Short texts (author names) folded as one, NUL between them (nothing folds across a NUL), ASCII
    // lower-cased: one pass instead of one per name. Returns the fold and where each text starts in it.
    function foldAll(texts) {
      const folded = fold(texts.join("\0"), true);
      const { marks } = folded;
      const starts = [];
      let at = 0;
      let shift = 0;
      let k = 0;
      for (const text of texts) {
        starts.push(at + shift);
        const end = at + text.length;
        for (; k < marks.length && marks[k][2] < end; k += 1) shift += marks[k][1] - (marks[k][3] - marks[k][2]);
        at = end + 1;
      }
      return { text: folded.text, starts };
    }

    function position(folded, at) {
      const i = lastAtMost(folded.markStarts, at);
      if (i < 0) return at;
      const [start, length, originalStart, originalEnd] = folded.marks[i];
      return at < start + length ? originalStart : originalEnd + (at - start - length);
    }

    // The original span of the folded span [start, end), covering whole original characters and the
    // combining marks after the last one.
    function span(folded, start, end) {
      if (!folded.marks.length) return [start, end];
      const last = end - 1;
      const i = lastAtMost(folded.markStarts, last);
      let originalEnd;
      if (i >= 0 && last < folded.marks[i][0] + folded.marks[i][1]) originalEnd = folded.marks[i][3];
      else originalEnd = position(folded, last) + 1;
      const { original } = folded;
      while (originalEnd < original.length) {
        const code = original.codePointAt(originalEnd);
        if (!isCombining(code)) break;
        originalEnd += code > 0xffff ? 2 : 1;
      }
      return [position(folded, start), originalEnd];
    }

    return { fold, foldAll, span };
  }

  function compile(data) {
    if (!data || data.format !== FORMAT) throw new Error("not a radar matcher of a known format");
    const { classes } = data;
    const folder = makeFolder(data.fold);
    const joins = asciiTable(classes.joins);
    const wordRun = new RegExp(`${classes.word}+`, "uy");
    const nameWords = new RegExp(`${classes.name_word}+`, "gu");
    const trimSpace = new RegExp(`^${classes.space}+|${classes.space}+$`, "gu");

    const terms = data.terms.map((term) => ({
      ...term,
      shape: shape(term.anchor),
      suffixRe: new RegExp(term.suffix, "uy"),
      beforeRe: term.before === null ? null : new RegExp(term.before, "u"),
    }));
    // Anchors by shape: a term is tried where a word has its anchor's shape (whole word, or its start for
    // a prefix anchor), as the sidecar's scan does; the term's own patterns decide.
    const exact = new Map(); // anchor shape -> term indexes
    const prefixes = []; // [anchor shape, term index]
    terms.forEach((term, t) => {
      if (term.prefix_anchor) prefixes.push([term.shape, t]);
      else exact.set(term.shape, [...(exact.get(term.shape) ?? []), t]);
    });
    const pattern = (anchorShape) =>
      [...anchorShape].map((c) => (c === "\x80" ? "[\\u{80}-\\u{10ffff}]" : c.replace(/[\\^$.*+?()[\]{}|/]/, "\\$&"))).join("");
    // The scan: anchors that begin with an ASCII letter or digit after \b (which V8 checks far faster than
    // a look-behind; a non-ASCII letter before it, a word character too, is ruled out by `startsWord`);
    // the others after a look-behind. In UTF-16 units (no flag u, faster): any non-ASCII unit is a letter.
    const units = (anchorShape) =>
      [...anchorShape].map((c) => (c === "\x80" ? "(?:[\\ud800-\\udbff][\\udc00-\\udfff]|[\\u0080-\\uffff])" : c.replace(/[\\^$.*+?()[\]{}|/]/, "\\$&")));
    const wordUnit = "[0-9A-Za-z_\\u0080-\\uffff]";
    // The anchors as a trie (graph|gnn -> g(?:raph|nn)): V8 tries an alternation's branches one by one at
    // every position of the page's text, and anchors that share their first letters then share a branch.
    // The scan only needs where an anchor starts, so any regex that matches at the same places will do.
    function trie(lists) {
      const groups = new Map();
      let empty = false;
      for (const [head, ...rest] of lists) {
        if (head === undefined) empty = true;
        else groups.set(head, [...(groups.get(head) ?? []), rest]);
      }
      const branches = [...groups].map(([head, rests]) => (rests.some((rest) => rest.length) ? `${head}(?:${trie(rests)})` : head));
      return empty ? `(?:${branches.join("|")})?` : branches.join("|");
    }
    const scanFor = (lead, ascii) => {
      const chosen = (shapes) => shapes.filter((a) => (a.charCodeAt(0) < 0x80) === ascii).map(units);
      const exactOnes = chosen([...exact.keys()]);
      const prefixOnes = chosen(prefixes.map(([anchorShape]) => anchorShape));
      const branches = [];
      if (exactOnes.length) branches.push(`(?:${trie(exactOnes)})(?!${wordUnit})`);
      if (prefixOnes.length) branches.push(`(?:${trie(prefixOnes)})`);
      return branches.length ? [`${lead}(?:${branches.join("|")})`] : [];
    };
    const alternatives = [...scanFor("\\b", true), ...scanFor(`(?<!${wordUnit})`, false)];
    const anchorRe = alternatives.length ? new RegExp(alternatives.join("|"), "g") : null;
    const startsWord = (text, at) => at === 0 || text.charCodeAt(at - 1) < 0x80;
    const bySurname = new Map();
    data.authors.forEach((author, a) => {
      const key = shape(author.surname);
      bySurname.set(key, [...(bySurname.get(key) ?? []), a]);
    });
    const surnameRe = bySurname.size
      ? new RegExp(`(?<!${classes.word})(?:${[...bySurname.keys()].map(pattern).join("|")})(?!${classes.word})`, "gu")
      : null;
    const dismissed = new Set(data.dismissed);

    // Back `count` code points from `at`, not before 0.
    function back(text, at, count) {
      let i = at;
      for (let n = 0; n < count && i > 0; n += 1) {
        i -= 1;
        const unit = text.charCodeAt(i);
        if (unit >= 0xdc00 && unit <= 0xdfff && i > 0) {
          const high = text.charCodeAt(i - 1);
          if (high >= 0xd800 && high <= 0xdbff) i -= 1;
        }
      }
      return i;
    }

    const joinsBefore = (text, at) => {
      const code = text.charCodeAt(at - 1);
      return code >= 0x80 || joins[code] === 1;
    };

    // The folded span of `term` whose anchor word starts at `at`, or null.
    function matchAt(term, text, at) {
      term.suffixRe.lastIndex = at;
      const found = term.suffixRe.exec(text);
      if (!found) return null;
      const end = at + found[0].length;
      if (!term.beforeRe) return at === 0 || !joinsBefore(text, at) ? [at, end] : null;
      let low = back(text, at, term.reach);
      while (low <= at) {
        const before = term.beforeRe.exec(text.slice(low, at));
        if (!before) return null;
        const start = low + before.index;
        if (start === 0 || !joinsBefore(text, start)) return [start, end];
        low = start + (text.codePointAt(start) > 0xffff ? 2 : 1);
      }
      return null;
    }

    // The terms to try where this word starts (memoized: a page repeats its words).
    const tried = new Map();
    function candidates(word) {
      let items = tried.get(word);
      if (items) return items;
      const wordShape = shape(word);
      items = [];
      for (const [anchorShape, t] of prefixes) if (wordShape.startsWith(anchorShape)) items.push(t);
      for (const t of exact.get(wordShape) ?? []) items.push(t);
      tried.set(word, items);
      return items;
    }

    // Every title and abstract of the batch as one folded text, NUL between them (nothing matches across
    // a NUL): one scan of the anchors for the whole page. Each text is folded on its own: most are ASCII,
    // which V8 lower-cases far faster than text holding any other character. Lower-case ASCII (the rest
    // is case-folded already): no pattern needs the costly flag i.
    function matchTexts(papers, found, vetoed) {
      if (!anchorRe) return;
      const originals = [];
      for (const paper of papers) originals.push(paper.title ?? "", paper.abstract ?? "");
      const folds = originals.map((text) => folder.fold(text, true));
      const starts = [];
      let length = 0;
      for (const folded of folds) {
        starts.push(length);
        length += folded.text.length + 1;
      }
      const text = folds.map((folded) => folded.text).join("\0");
      anchorRe.lastIndex = 0;
      for (let m = anchorRe.exec(text); m; m = anchorRe.exec(text)) {
        const at = m.index;
        if (!startsWord(text, at)) {
          anchorRe.lastIndex = at + 1;
          continue;
        }
        wordRun.lastIndex = at;
        const whole = wordRun.exec(text)[0];
        anchorRe.lastIndex = at + whole.length;
        const i = lastAtMost(starts, at);
        const p = i >> 1;
        for (const t of candidates(whole)) {
          const term = terms[t];
          const matched = matchAt(term, text, at);
          if (!matched) continue;
          const [start, end] = folder.span(folds[i], matched[0] - starts[i], matched[1] - starts[i]);
          for (const [r, excluded] of term.owners) {
            if (excluded) (vetoed[p] ??= new Set()).add(r);
            else {
              const field = i & 1 ? "abstract" : "title";
              const words = originals[i].slice(start, end);
              found[p].push({ r, hit: { rule: data.rules[r].name, field, term: term.text, start, end, text: words } });
            }
          }
        }
      }
    }

    // A folded, lower-case author name's words in display order ('pérez, ana' reads as 'ana pérez').
    function wordsOfName(name) {
      const comma = name.indexOf(",");
      let reading = name;
      if (comma >= 0 && name.slice(comma + 1).replace(trimSpace, "")) {
        reading = `${name.slice(comma + 1)} ${name.slice(0, comma)}`;
      }
      return reading.match(nameWords) ?? [];
    }

    const sameName = (wanted, word) =>
      wanted === word ||
      (codeLength(wanted) === 1 && word.startsWith(wanted)) ||
      (codeLength(word) === 1 && wanted.startsWith(word));

    function inOrder(wanted, words) {
      let at = 0;
      for (const want of wanted) {
        while (at < words.length && !sameName(want, words[at])) at += 1;
        if (at === words.length) return false;
        at += 1;
      }
      return true;
    }

    function isAuthor(author, words) {
      return words.some((word, at) => word === author.surname && inOrder(author.given, words.slice(0, at)));
    }

    // Every author name of the batch as one folded text, NUL between them, scanned once for the surnames.
    function matchAuthors(papers, found) {
      if (!surnameRe) return;
      const names = [];
      const owners = []; // [paper, author index] of each name
      papers.forEach((paper, p) => (paper.authors ?? []).forEach((name, k) => names.push(name) && owners.push([p, k])));
      const { text, starts } = folder.foldAll(names);
      const folds = starts.map((start, i) => text.slice(start, i + 1 < starts.length ? starts[i + 1] - 1 : text.length));
      const checked = new Set(); // name * authors + author pattern: a surname may appear twice in a name
      const words = new Map();
      surnameRe.lastIndex = 0;
      for (let m = surnameRe.exec(text); m; m = surnameRe.exec(text)) {
        const i = lastAtMost(starts, m.index);
        for (const a of bySurname.get(shape(m[0])) ?? []) {
          const key = i * data.authors.length + a;
          if (checked.has(key)) continue;
          checked.add(key);
          if (!words.has(i)) words.set(i, wordsOfName(folds[i].toLowerCase()));
          if (!isAuthor(data.authors[a], words.get(i))) continue;
          const [p, index] = owners[i];
          const name = names[i];
          for (const r of data.authors[a].owners) {
            const hit = { rule: data.rules[r].name, field: "authors", term: data.authors[a].text, start: 0, end: name.length, text: name, author: index };
            found[p].push({ r, hit });
          }
        }
      }
    }

    const inCategory = (categories, wanted) =>
      categories.some((c) => c.toLowerCase() === wanted || c.toLowerCase().startsWith(`${wanted}.`));

    function passes(rule, paper) {
      const categories = paper.categories ?? [];
      if (rule.categories.length && !rule.categories.some((want) => inCategory(categories, want))) return false;
      if (!rule.sources.length) return true;
      const label = (categories.length ? `${data.page_source} (${categories[0]})` : data.page_source).toLowerCase();
      const lowered = categories.map((c) => c.toLowerCase());
      return rule.sources.some((w) => label === w || label.startsWith(`${w} `) || lowered.includes(w));
    }

    const readingOrder = (a, b) =>
      FIELD_ORDER[a.field] - FIELD_ORDER[b.field] ||
      (a.author ?? 0) - (b.author ?? 0) ||
      a.start - b.start ||
      a.end - b.end ||
      compareText(a.rule, b.rule);

    // Each paper's hits ({rule, field, term, start, end, text, author?}), in reading order; [] for none.
    function matchMany(papers) {
      const found = papers.map(() => []);
      const vetoed = new Array(papers.length); // a Set of rules only for a paper an exclusion hit
      matchTexts(papers, found, vetoed);
      matchAuthors(papers, found);
      return papers.map((paper, p) => {
        if (!found[p].length) return [];
        const allowed = new Map();
        const kept = [];
        for (const { r, hit } of found[p]) {
          if (vetoed[p]?.has(r)) continue;
          if (!allowed.has(r)) allowed.set(r, passes(data.rules[r], paper));
          if (allowed.get(r)) kept.push(hit);
        }
        return kept.length > 1 ? kept.sort(readingOrder) : kept;
      });
    }

    return {
      rules: data.rules.length,
      matchMany,
      match: (paper) => matchMany([paper])[0],
      isDismissed: (key) => dismissed.has(key),
    };
  }

  const api = { compile, FORMAT };
  globalThis.AcademicHubMatcher = api;
  if (typeof module !== "undefined") module.exports = api;
})();
