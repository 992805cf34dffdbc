"""The state file: one SQLite database and the repositories that read and write it.

The calendar cache, series, audit, notices, moves, ledger, action items, pair lines and pauses,
plus the notes folder and the one-writer lock. It knows nothing of Google or of email.
"""
