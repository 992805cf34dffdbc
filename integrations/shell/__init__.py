"""The command shell and the service: config files, wiring real adapters, the long-running
service with its signals, metrics and health check, and the commands that check an installation
(``doctor``) or show it off (``demo``)."""
