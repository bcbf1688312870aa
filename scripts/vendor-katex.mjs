#!/usr/bin/env node
// Copies KaTeX, at the version package-lock.json pins, from node_modules into extension/vendor/katex/: the
// script, its stylesheet, the WOFF2 fonts it names first (every browser the extension runs in reads WOFF2,
// so the older formats are never fetched) and the licence. The copy is committed, so the extension loads
// unpacked from a clean clone with no build step; `--check` (run by scripts/test) fails when the committed
// copy is not exactly what this script makes from the pinned package.
//
//   npm ci && node scripts/vendor-katex.mjs          # after changing the katex version in package.json
//   node scripts/vendor-katex.mjs --check
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGE = join(ROOT, "node_modules", "katex");
const TARGET = join(ROOT, "extension", "vendor", "katex");

function fail(message) {
  console.error(`vendor-katex: ${message}`);
  process.exit(1);
}

function pinnedVersion() {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
  const version = lock.packages?.["node_modules/katex"]?.version;
  if (!version) fail("package-lock.json pins no katex");
  return version;
}

// What the vendored folder must hold: its relative path -> bytes.
function wanted(version) {
  if (!existsSync(join(PACKAGE, "package.json"))) fail("node_modules/katex is missing: run `npm ci` first");
  const installed = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8")).version;
  if (installed !== version) fail(`node_modules has katex ${installed}, package-lock.json pins ${version}: run \`npm ci\``);
  const dist = join(PACKAGE, "dist");
  const files = new Map([
    ["katex.min.js", readFileSync(join(dist, "katex.min.js"))],
    ["katex.min.css", readFileSync(join(dist, "katex.min.css"))],
    ["LICENSE", readFileSync(join(PACKAGE, "LICENSE"))],
    ["VERSION", Buffer.from(`katex ${version}, copied from npm by scripts/vendor-katex.mjs\n`)],
  ]);
  for (const font of readdirSync(join(dist, "fonts")).filter((name) => name.endsWith(".woff2")).sort()) {
    files.set(`fonts/${font}`, readFileSync(join(dist, "fonts", font)));
  }
  return files;
}

function present() {
  const files = new Map();
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(TARGET, path).split("\\").join("/"), readFileSync(path));
    }
  };
  walk(TARGET);
  return files;
}

const digest = (bytes) => createHash("sha256").update(bytes).digest("hex");

const version = pinnedVersion();
const files = wanted(version);
if (process.argv.includes("--check")) {
  const have = present();
  const wrong = [...new Set([...files.keys(), ...have.keys()])].filter(
    (name) => !files.has(name) || !have.has(name) || digest(files.get(name)) !== digest(have.get(name)),
  );
  if (wrong.length) fail(`extension/vendor/katex differs from katex ${version} (${wrong.join(", ")}): run node scripts/vendor-katex.mjs`);
  console.log(`extension/vendor/katex is katex ${version}`);
} else {
  rmSync(TARGET, { recursive: true, force: true });
  for (const [name, bytes] of files) {
    mkdirSync(dirname(join(TARGET, name)), { recursive: true });
    writeFileSync(join(TARGET, name), bytes);
  }
  console.log(`copied katex ${version} into extension/vendor/katex (${files.size} files)`);
}
