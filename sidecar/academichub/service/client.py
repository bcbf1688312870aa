"""A small client for the running sidecar, for the command line.

While the service runs (the browser starts it at login), it owns the store: a second process cannot open it.
The CLI then asks the service, over the same authenticated loopback API the extension uses.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
import urllib.request
from typing import Any

from ..api.models import CardPage
from ..models import Card
from ..paths import Paths
from .runtime import find_running

PAGE = 100  # the API's largest page


class ServiceClient:
    def __init__(self, port: int, token: str, timeout: float = 10.0):
        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.token = token
        self.timeout = timeout

    @classmethod
    def find(cls, paths: Paths) -> ServiceClient | None:
        """The service that runs on this data dir, if its runtime file names one."""
        running = find_running(paths, probe=False)
        return cls(running.port, running.token) if running else None

    def get(self, path: str, **params: Any) -> Any:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v not in (None, False)})
        request = urllib.request.Request(
            f"{self.base}{path}?{query}", headers={"Authorization": f"Bearer {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.load(response)

    def cards(
        self, day: dt.date | None, source: str | None, radar: bool, *, rank: bool = False
    ) -> tuple[dt.date | None, list[Card]]:
        """Every card of the day, page by page, numbered as the service numbers them."""
        cards: list[Card] = []
        while True:
            raw = self.get(
                "/cards",
                day=day.isoformat() if day else None,
                source=source,
                radar="true" if radar else None,
                rank="true" if rank else None,
                offset=len(cards),
                limit=PAGE,
            )
            page = CardPage.model_validate(raw)
            cards.extend(page.cards)
            if not page.cards or len(cards) >= page.total:
                return page.day, cards

    def day_total(self, day: dt.date | None, source: str | None) -> int:
        """How many papers the day has (with the source filter), radar or not."""
        raw = self.get("/cards", day=day.isoformat() if day else None, source=source, limit=1)
        return CardPage.model_validate(raw).total

    def rule_weights(self) -> dict[str, float]:
        """Each radar rule's weight, by name: what the scores' explanations are made of."""
        return {rule["name"]: rule["weight"] for rule in self.get("/radar/rules")["rules"]}
