"""Built-in Jinja2 email templates (loaded with importlib.resources)."""
