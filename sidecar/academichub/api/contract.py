"""The values the extension and the sidecar must agree on, in one generated file:
`extension/shared/contract.json`, with a copy inside `extension/shared/protocol.js` (content scripts cannot
import JSON), both written by

    python -m academichub.api.contract            # write them
    python -m academichub.api.contract --check    # exit 1 when either is stale

from the pydantic models and the constants that rule the sidecar's side. A test fails when they are stale.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, get_args

from ..briefing.model import BriefingEvent
from ..config import ServerSettings
from ..ids import ARXIV_CATEGORY, ARXIV_ID
from .models import CardsQuery, RefreshEvent
from .radar_models import MAX_PAGE_ENTRIES, ListingQuery
from .routing import API

# Every `error` an ErrorBody of the API may carry.
API_ERRORS = (
    "unauthorized",  # 401: no token, or the wrong one
    "forbidden_origin",  # 403: a web page's Origin
    "wrong_host",  # 421: a Host header other than 127.0.0.1:<port> or localhost:<port> (DNS rebinding)
    "not_found",  # 404: no such endpoint, or no such paper, rule, dismissal
    "method_not_allowed",  # 405
    "body_too_large",  # 413
    "invalid_json",  # 400: a body that is not JSON
    "invalid_body",  # 400: a body that does not fit the route's model (`field` names the part)
    "invalid_query",  # 400: a query parameter that does not fit (`field` names it)
    "invalid_opml",  # 400: an OPML import that cannot be read
    "unknown_source",  # 404: a source key or URL the config does not hold
    "no_papers",  # 404: no papers stored yet, or none on the day asked
    "rule_exists",  # 409: a radar rule of that name, in any case
    "radar_file_broken",  # 409: radar.json cannot be read; the message says how to fix it
    "config_broken",  # 409: config.toml cannot be read, so a change to it was refused
    "signal_file_broken",  # 409: a file of the learned radar (library, stars) cannot be read
    "zotero_unavailable",  # 409: the local Zotero could not be asked
    "invalid_library",  # 400: a library import that cannot be read
    "http_error",  # any other HTTP status aiohttp raises
    "internal_error",  # 500: the sidecar failed; the details are in its log
)

# The one request the native host answers, its answers' types, and its errors.
NATIVE = {
    "request": "connect",
    "answers": ["sidecar", "error"],
    "errors": ["unknown_request", "sidecar_unavailable", "bad_message"],
    "max_message_bytes": 1024 * 1024,  # Chromium's limit for a message from the host
}

# Messages between the extension's parts (protocol.js): the service worker is the only door to the sidecar.
MESSAGE_KINDS = {
    "API": "api",
    "RADAR_MATCH": "radar.match",
    "RADAR_LISTING": "radar.listing",
    "RADAR_MATCHER": "radar.matcher",
    "SIDECAR_STATE": "sidecar.state",
    "BADGE": "badge.update",
}
MESSAGE_ERRORS = {
    "HOST_MISSING": "host_missing",
    "SIDECAR_DOWN": "sidecar_down",
    "API": "api_error",
    "BAD_MESSAGE": "bad_message",
    "WORKER_GONE": "worker_gone",
}
STREAM_PORT = "academichub.stream"

ROOT = Path(__file__).resolve().parents[3]
CONTRACT_JSON = ROOT / "extension" / "shared" / "contract.json"
PROTOCOL_JS = ROOT / "extension" / "shared" / "protocol.js"
_BLOCK = re.compile(r"(// <contract>[^\n]*\n).*?(\n\s*// </contract>)", re.S)


def _max(model: Any, field: str, rule: str) -> int:
    for item in model.model_fields[field].metadata:
        if (value := getattr(item, rule, None)) is not None:
            return int(value)
    raise LookupError(f"{model.__name__}.{field} has no {rule}")


def build_contract() -> dict[str, Any]:
    max_body = ServerSettings.model_fields["max_body_kib"].default * 1024
    return {
        "arxiv": {"id": ARXIV_ID, "category": ARXIV_CATEGORY},
        "limits": {
            "max_body_bytes": max_body,  # the sidecar's default; a RADAR_MATCH body is held to it
            "category_chars": _max(ListingQuery, "category", "max_length"),
            "listing_days": _max(ListingQuery, "days", "le"),
            "cards_per_page": _max(CardsQuery, "limit", "le"),
            "match_papers": MAX_PAGE_ENTRIES,
        },
        "api": {"prefix": API, "errors": list(API_ERRORS)},
        "native": NATIVE,
        "messages": {"kinds": MESSAGE_KINDS, "errors": MESSAGE_ERRORS, "stream_port": STREAM_PORT},
        "events": {
            "refresh": list(get_args(RefreshEvent.model_fields["phase"].annotation)),
            "briefing": list(get_args(BriefingEvent.model_fields["event"].annotation)),
        },
    }


def render_json(contract: dict[str, Any]) -> str:
    return json.dumps(contract, indent=2) + "\n"


def render_protocol(contract: dict[str, Any], protocol: str) -> str:
    """protocol.js with its generated block replaced by `contract`."""
    body = json.dumps(contract, indent=2).replace("\n", "\n  ")
    if not _BLOCK.search(protocol):
        raise ValueError(f"{PROTOCOL_JS} has no `// <contract>` ... `// </contract>` block")
    return _BLOCK.sub(lambda m: f"{m[1]}  const CONTRACT = {body};{m[2]}", protocol, count=1)


def stale() -> list[Path]:
    contract = build_contract()
    found = []
    if not CONTRACT_JSON.exists() or CONTRACT_JSON.read_text(encoding="utf-8") != render_json(contract):
        found.append(CONTRACT_JSON)
    protocol = PROTOCOL_JS.read_text(encoding="utf-8")
    if render_protocol(contract, protocol) != protocol:
        found.append(PROTOCOL_JS)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m academichub.api.contract", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only say whether the files are stale")
    args = parser.parse_args(argv)
    if args.check:
        for path in (paths := stale()):
            print(f"{path} is stale: run `python -m academichub.api.contract`", file=sys.stderr)
        return 1 if paths else 0
    contract = build_contract()
    CONTRACT_JSON.write_text(render_json(contract), encoding="utf-8")
    PROTOCOL_JS.write_text(
        render_protocol(contract, PROTOCOL_JS.read_text(encoding="utf-8")), encoding="utf-8"
    )
    print(f"wrote {CONTRACT_JSON} and the contract block of {PROTOCOL_JS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
