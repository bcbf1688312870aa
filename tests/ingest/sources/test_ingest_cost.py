"""A whole ingest may cost at most 1.5x feedparser's own parse: everything after the one parse (cleaning,
ids, dates, building Papers) must stay under half of it. Measured on 1,000-item feeds built from
recorded items, in CPU time of this process (the after-parse work best of three runs, so other work on the
machine does not count against it)."""

import re
import time

import feedparser
import pytest

from academichub.ingest.sources import ADAPTERS


def arxiv_day(seed_day, n: int) -> bytes:
    """A 1,000-paper arXiv day: the seed day's cs.CV items, renumbered."""
    text = (seed_day / "arxiv_rss_cs.CV.xml").read_text(encoding="utf-8")
    items = re.findall(r"<item>.*?</item>", text, re.S)
    head, tail = text[: text.index("<item>")], text[text.rindex("</item>") + len("</item>") :]
    body = "\n".join(re.sub(r"2606\.\d{5}", f"2606.{10000 + i}", items[i % len(items)]) for i in range(n))
    return (head + body + tail).encode()


def nature_issue(fixtures, n: int) -> bytes:
    """1,000 Nature items in the RSS 1.0 shape (notice paragraph, repeated title, dc:creators)."""
    text = (fixtures / "feeds/RECONSTRUCTED_nature_rss1.xml").read_text(encoding="utf-8")
    items = re.findall(r"<item .*?</item>", text, re.S)
    head = text[: text.index("<item ")]
    body = "\n".join(items[i % len(items)].replace("026-", f"{i:06d}-") for i in range(n))
    return (head + body + "</rdf:RDF>").encode()


def cpu_seconds(work) -> tuple[float, object]:
    start = time.process_time()
    result = work()
    return time.process_time() - start, result


@pytest.mark.parametrize("feed", ["arxiv", "nature"])
def test_everything_after_the_parse_costs_under_half_of_the_parse(feed, seed_day, fixtures):
    data = arxiv_day(seed_day, 1000) if feed == "arxiv" else nature_issue(fixtures, 1000)
    parse, doc = cpu_seconds(lambda: feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False))
    adapter = next(a for a in ADAPTERS if a.recognises(doc))
    runs = [cpu_seconds(lambda: adapter.read(doc, None, [])) for _ in range(3)]
    after = min(seconds for seconds, _ in runs)
    assert len(runs[0][1].papers) == 1000
    assert after <= 0.5 * parse, f"{feed}: parse {parse * 1000:.0f} ms, then {after * 1000:.0f} ms more"
