"""Where a page may send the browser next: a path on this site, as the browser will read it."""
from urllib.parse import urlsplit


def safe_path(target: str | None) -> str | None:
    """``target`` if it is plainly a path on this site, else None.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so ``/%09/evil.example`` (a tab
    once decoded) and ``/\\evil.example`` both lead to another site; any control character, whitespace or backslash
    refuses the target, as does anything with a scheme or a host (docs/SECURITY.md).
    """
    if not target or any(ord(c) < 0x21 or c in "\\\x7f" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
