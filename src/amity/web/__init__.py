"""``amity serve``: the dashboard, a FastAPI app over a read-only store (docs/dashboard.md).

:func:`create_app` builds the app for one store file: server-rendered pages (Jinja2, a
little JavaScript, Vega-Lite charts from assets served by the app itself) and a JSON API
under ``/api/`` (OpenAPI at ``/openapi.json``) with the JSON of the CLI's
``--format json``. :func:`serve` runs it with uvicorn.

Needs the ``web`` extra (``pip install 'amity[web]'``): FastAPI, uvicorn,
python-multipart.
"""

from __future__ import annotations

from amity.web.app import create_app, serve

__all__ = ["create_app", "serve"]
