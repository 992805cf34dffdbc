"""Everything that touches the world, in packages by role (each depends only on those below it):

    shell      the commands and the service: config files, wiring, metrics, doctor, demo
    views      what people read: status, check, log, outbox, preview, run reports
    reconcile  the pass: observe, plan with ``scheduler``, apply
    mail       email: templates and the meeting context, the outbox and its transports
    state      the SQLite state file and its repositories, the notes folder, the lock
    google     the Google Calendar adapter, API clients, logins and token stores

``clock`` (the one reader of the wall clock) and ``redaction`` (no secret in a log line) serve
every layer. ``sandbox`` is an emulator of the Google APIs for tests and the demo.
"""
