"""Input no page or API call can store, refused at the door with a clear answer instead of a 500 further in.

- NUL characters: PostgreSQL refuses them in text ("a string literal cannot contain NUL"), SQLite stores them.
- Numbers in URLs past the database's INTEGER: ``<int:...>`` is bounded, so they are simply not found.
- JSON nested deeper than MAX_JSON_DEPTH: Python's parser would exhaust its recursion limit (a 500).
(docs/SECURITY.md, "Bad input")
"""
from flask import abort, request
from werkzeug.routing import IntegerConverter

from .validation import MAX_INT

MAX_JSON_DEPTH = 32


class BoundedInt(IntegerConverter):
    """``<int:id>`` from 0 to MAX_INT: a bigger number matches no route and answers 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values if isinstance(value, str))


def _too_deep_or_nul(data, depth=0) -> bool:
    if depth > MAX_JSON_DEPTH:
        return True
    if isinstance(data, dict):
        return any("\x00" in k or _too_deep_or_nul(v, depth + 1) for k, v in data.items())
    if isinstance(data, list):
        return any(_too_deep_or_nul(v, depth + 1) for v in data)
    return isinstance(data, str) and "\x00" in data


def refuse_unstorable_input():
    """before_request: a NUL anywhere in the query, the form or the JSON, or JSON nested too deep, is a 400."""
    if _has_nul(request.args.values()) or _has_nul(request.path):
        abort(400)
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data") and _has_nul(request.form.values()):
        abort(400)
    if request.is_json and request.content_length:
        raw = request.get_data(cache=True)
        # Depth first, on the raw text: the parser itself is what a deep document breaks.
        if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and _nesting(raw) > MAX_JSON_DEPTH:
            abort(400)
        try:
            data = request.get_json(silent=True)
        except RecursionError:
            abort(400)
        if data is not None and _too_deep_or_nul(data):
            abort(400)


def _nesting(raw: bytes) -> int:
    """The deepest nesting of brackets in a JSON text, strings skipped."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest
