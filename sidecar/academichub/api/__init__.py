"""The local API the browser extension talks to: `/api/v1/`, JSON in and out, on 127.0.0.1 only."""

from .app import LISTENING, Listening, create_app, route_table

__all__ = ["LISTENING", "Listening", "create_app", "route_table"]
