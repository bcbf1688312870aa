// Runs the overlay's matcher (extension/content/matcher.js, the very file the content script loads) on a
// batch: reads {matcher, papers} as JSON from the file named first, prints one JSON list of hit lists.
const fs = require("node:fs");
const path = require("node:path");
const { compile } = require(path.join(__dirname, "..", "..", "extension", "content", "matcher.js"));

const { matcher, papers } = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const started = process.hrtime.bigint();
const radar = compile(matcher);
const hits = radar.matchMany(papers);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(JSON.stringify({ ms, hits }));
