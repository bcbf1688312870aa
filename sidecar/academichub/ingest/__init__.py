"""Where a paper comes in: feed adapters, clean-up, the polite fetcher, merging, source health,
the arXiv calendar, backfill and the refresh that ties them together."""
