"""Text helpers that work for Kazakh: Python's casefold, not SQLite's ASCII-only lower() (docs/PITFALLS.md #13)."""
import unicodedata


def search_key(*parts: str | None) -> str:
    """A normalised search string: NFC, case-folded, single spaces."""
    text = " ".join(p for p in parts if p)
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def clean(value) -> str:
    """Trimmed text, '' for None."""
    return " ".join(str(value).split()) if value is not None else ""
