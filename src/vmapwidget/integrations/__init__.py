"""Integrations with the outside: static HTML export, the Jupyter server extension, and the
kernel WebSocket connection class (TCP_NODELAY, frames checked) for JupyterLab and Voila."""
