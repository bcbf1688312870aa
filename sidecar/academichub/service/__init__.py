"""The long-lived process: runtime files, token and instance lock, the scheduler, serving, the demo,
the native-messaging host and its installer, the client that finds a running sidecar, and the services the
API routes call (card shelf, refresher)."""
