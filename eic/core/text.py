"""Text helpers that work for Kazakh: Python's casefold, not SQLite's ASCII-only lower() (docs/PITFALLS.md #13)."""
import unicodedata


def search_key(*parts: str | None) -> str:
    """A normalised search string: NFC, case-folded, single spaces."""
    text = " ".join(p for p in parts if p)
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def clean(value) -> str:
    """One line of text as it is stored: NFC (a decomposed "Й" becomes one letter), without control characters,
    single spaces, trimmed; '' for None."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Cc" or c in "\t\n\r").split())


def clean_text(value) -> str:
    """Several lines of text as stored: NFC, without control characters except line breaks and tabs, trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n")
    return "".join(c for c in text if unicodedata.category(c) != "Cc" or c in "\t\n").strip()
