"""The baseline for bench/ingest.py: a Flask endpoint that only answers 202, nothing else.

It has the service's route shape and reads the body (as the service does), so the gap between it and the
real endpoint, served by the same gunicorn settings, is what verify + persist + enqueue cost. Run:

    python -m gunicorn -w 5 --threads 4 -b 127.0.0.1:8001 --access-logfile - bench.bare_app:app
"""

from __future__ import annotations

from flask import Flask, request

app = Flask("bare_app")


@app.post("/webhooks/<int:connector_id>")
def receive(connector_id: int) -> tuple[dict, int]:
    body = request.get_data(cache=False)
    return {"delivery": 0, "status": "received", "duplicate": False, "bytes": len(body)}, 202
