"""What a job reports when it succeeds: a message and its numbers, stored as JSON in the ledger and worded in the
reader's language when the jobs page shows it (the job runs in no one's language)."""
import json

from flask_babel import gettext


def N_(msgid: str) -> str:
    """Mark a message for the catalogues without translating it now (``pybabel extract -k N_``)."""
    return msgid


def outcome(msgid: str, **numbers) -> str:
    """The ledger's text for ``msgid`` (written with ``N_``) and its named numbers."""
    return json.dumps({"msg": msgid, "n": numbers}, ensure_ascii=False)


def worded(stored: str | None) -> str:
    """A stored outcome in the current language; text that is not an outcome (older rows) is shown as it is."""
    if not stored:
        return ""
    try:
        data = json.loads(stored)
        return gettext(data["msg"]) % data["n"]
    except (ValueError, KeyError, TypeError):
        return stored
