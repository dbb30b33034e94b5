"""Integrations with the outside: static HTML export, the Jupyter server extension."""
