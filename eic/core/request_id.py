"""Each request's id: shown on error pages, written in the logs and in the audit trail, so a report can be
found. A caller's own ``X-Request-ID`` (8-64 plain characters) is kept; otherwise one is made."""
import re
import uuid

from flask import g, request


def request_id() -> str:
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if re.fullmatch(r"[A-Za-z0-9._-]{8,64}", given) else uuid.uuid4().hex[:16]
    return g.request_id
