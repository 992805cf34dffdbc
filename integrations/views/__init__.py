"""What people read on the command line: status, check, log, outbox, preview, run reports.

Views read the state file and render; the only thing they change is what a person asks for
(``outbox retry``/``drop``).
"""
