"""A small client for the running sidecar, for the command line.

While the service runs (the browser starts it at login), it owns the store: a second process cannot open it.
The CLI then asks the service, over the same authenticated loopback API the extension uses.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

from ..api.models import CardPage, RefreshEvent, RefreshStarted, StatusReport
from ..models import Card
from ..paths import Paths
from .runtime import find_running

PAGE = 100  # the API's largest page
STREAM_TIMEOUT = 60.0  # the event stream sends a keep-alive every 15 s: a minute of silence is a lost service


class ServiceRefused(Exception):
    """The service answered with an error body: `status`, the `error` code and the `detail` in words."""

    def __init__(self, status: int, error: str, detail: str):
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail


class ServiceUnreachable(OSError):
    """No answer from the address the runtime file names (the service stopped, or is still starting)."""


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
        return self.call("GET", path, **params)

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        """One request; the answer's JSON. ServiceRefused for an error answer, ServiceUnreachable for none."""
        with self._open(method, path, body, params, self.timeout) as response:
            return json.load(response)

    @contextlib.contextmanager
    def _open(
        self, method: str, path: str, body: Any, params: dict[str, Any], timeout: float
    ) -> Iterator[Any]:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v not in (None, False)})
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            f"{self.base}{path}?{query}", data=data, headers=headers, method=method
        )
        try:
            response = urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            try:
                answer = json.loads(exc.read() or b"{}")
            except ValueError:
                answer = {}
            raise ServiceRefused(
                exc.code, answer.get("error", "error"), answer.get("detail", str(exc.reason))
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ServiceUnreachable(f"no answer from {self.base}: {reason}") from None
        with response:
            yield response

    def status(self) -> StatusReport:
        return StatusReport.model_validate(self.get("/status"))

    def start_refresh(self) -> RefreshStarted:
        """Start a refresh of every source, or hear of the one under way."""
        return RefreshStarted.model_validate(self.call("POST", "/refresh"))

    @contextlib.contextmanager
    def refresh_events(self) -> Iterator[Iterator[RefreshEvent]]:
        """The service's `refresh` events as they come; the first is the state when the stream opened."""
        with self._open("GET", "/events", None, {}, STREAM_TIMEOUT) as response:
            yield _refresh_events(response)

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


def _refresh_events(lines: Iterator[bytes]) -> Iterator[RefreshEvent]:
    kind = ""
    try:
        for raw in lines:
            line = raw.rstrip(b"\r\n")
            if line.startswith(b"event: "):
                kind = line[7:].decode()
            elif line.startswith(b"data: ") and kind == "refresh":
                yield RefreshEvent.model_validate_json(line[6:])
    except TimeoutError:
        raise ServiceUnreachable("the service stopped sending its refresh's progress") from None
