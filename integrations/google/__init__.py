"""The Google adapter: Calendar and the logins behind it.

Building API clients, calling them without hammering Google (``retry``), translating events at
the edge (``gcal``), and the OAuth logins and token stores that credentials come from. It knows
nothing of the state file or of email.
"""
