"""The long-lived process and what the API serves from.

The process: runtime files, token and instance lock, the scheduler, serving, the demo; the native-messaging
host and its installer; the client that finds a running sidecar. What the routes call, each an object made
once per app and registered on it under a typed key (api/context.py): the library (store, health, config),
the card shelf, the radar shelf, the briefing desk and the refresher; feed parsing in a child process; the
event bus behind the Server-Sent Events."""
