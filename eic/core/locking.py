"""One decision at a time on a record: the rest are told that it changed (docs/SECURITY.md, "Decisions that race")."""
from flask_babel import lazy_gettext as _l

from eic.extensions import db

from .errors import ChangedMeanwhile

CHANGED_MEANWHILE = _l("The record was changed by someone else meanwhile (now: %(status)s). Nothing was saved.")


def lock_for_change(record, message, *, status_of, state=lambda r: r.status):
    """Lock ``record``'s row for the rest of the transaction (SELECT ... FOR UPDATE on PostgreSQL; on SQLite every
    writing transaction already holds the database's write lock) and re-read it. If its state differs from what
    the caller had read, raise Conflict with ``message``: a concurrent decision got there first."""
    from sqlalchemy import select

    seen = state(record)
    model = type(record)
    # The row alone (a refresh with its eager joins cannot be locked on PostgreSQL), then everything re-read.
    db.session.execute(select(model.id).where(model.id == record.id).with_for_update())
    db.session.refresh(record)
    if state(record) != seen:
        raise ChangedMeanwhile(str(message) % {"status": status_of(record)})
