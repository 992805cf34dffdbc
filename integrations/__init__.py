"""Adapters: Google Calendar and Gmail, SMTP, the outbox folder, the state database, the clock,
secrets, and the sandbox emulator. They implement the ports declared in ``scheduler.ports``."""
