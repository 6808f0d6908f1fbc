"""Reference lists a referral is checked against (ICD-10 categories, risk factors), kept per process.

They change only when ``flask reference load`` runs, yet every referral read them: two queries per submission.
A process keeps them for ``REFERENCE_SECONDS`` and forgets them at once when it changes one itself (a flush that
touches these tables marks the session; the end of its transaction, committed or not, empties the cache). Another
process sees a change within ``REFERENCE_SECONDS`` (docs/PERFORMANCE.md, "What is cached").

Risk factors are kept as detached rows and merged into the asking session without a query
(``Session.merge(load=False)``), so that a referral can point to them and its answer name them without lazy loads.
"""
import threading
import time

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from eic.extensions import db

from .models import Icd10Category, RiskFactor

REFERENCE_SECONDS = 300
CACHED_MODELS = (Icd10Category, RiskFactor)
_lock = threading.Lock()
_kept: dict[str, tuple[float, object]] = {}


def _cached(name: str, load):
    now = time.monotonic()
    with _lock:
        hit = _kept.get(name)
    if hit is not None and now - hit[0] < REFERENCE_SECONDS:
        return hit[1]
    value = load()
    with _lock:
        _kept[name] = (now, value)
    return value


def forget() -> None:
    """Drop what this process keeps (the next read goes to the database)."""
    with _lock:
        _kept.clear()


def eligible_icd10_categories() -> frozenset[str]:
    """The ICD-10 categories a referral may name."""
    return _cached("icd10", lambda: frozenset(db.session.scalars(select(Icd10Category.category))))


def risk_factors_by_code() -> dict:
    """Every risk factor by code, as rows of the current session (merged without a query)."""
    def load():
        rows = db.session.scalars(select(RiskFactor).order_by(RiskFactor.id)).all()
        for row in rows:
            db.session.expunge(row)
        return tuple(rows)

    return {row.code: db.session.merge(row, load=False) for row in _cached("risk_factors", load)}


def _touches_reference(session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, CACHED_MODELS):
            session.info["eic_reference_changed"] = True
            forget()
            return


def _after_end(session, transaction) -> None:
    """A transaction of a session that changed the lists ended (committed, rolled back or closed): what was kept
    meanwhile may hold the change that is now undone, or miss the one now committed."""
    if session.info.get("eic_reference_changed"):
        forget()
        if transaction.parent is None:
            session.info.pop("eic_reference_changed", None)


def init_listeners() -> None:
    """Forget the kept lists whenever this process changes them (installed once per process)."""
    if not event.contains(Session, "before_flush", _touches_reference):
        event.listen(Session, "before_flush", _touches_reference)
        event.listen(Session, "after_transaction_end", _after_end)
