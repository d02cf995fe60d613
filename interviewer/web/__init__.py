"""The web app: server-rendered pages and the JSON API over the same service."""
