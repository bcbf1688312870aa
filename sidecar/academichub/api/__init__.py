"""The local API the browser extension talks to: `/api/v1/`, JSON in and out, on 127.0.0.1 only.

Routes and their request/response models only: what they serve from lives in service/ and is reached through
the app's typed keys (context.py). PROTOCOL.md at the repository root tells the API's conventions.

The package imports nothing itself: the service layer reads `api.models` without loading every route, and the
app is `api.app.create_app`."""
