"""Database guards against double booking, shared by the revisions that create or rebuild therapy_sessions.

Alembic's batch mode rebuilds a SQLite table and silently drops its triggers (docs/PITFALLS.md #4): a revision that
batch-alters therapy_sessions calls ``drop_session_guards`` before and ``create_session_guards`` after.
"""
from alembic import op

# Double booking is refused by the database, not only by the booking service's checks (docs/PITFALLS.md #1-4).
# PostgreSQL: exclusion constraints over time ranges (btree_gist), active sessions only; back-to-back
# sessions do not overlap because the ranges are half-open. SQLite: triggers that abort an overlapping
# insert or update. Batch migrations of therapy_sessions drop these triggers: recreate them after any.
PG_CONSTRAINTS = (
    ("ex_therapy_sessions_specialist", "specialist_id WITH =, tstzrange(busy_from, busy_until, '[)') WITH &&"),
    ("ex_therapy_sessions_room", "room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&"),
    ("ex_therapy_sessions_child", "child_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&"),
)

SQLITE_CHECKS = """
    SELECT RAISE(ABORT, 'therapy_sessions overlap: specialist') WHERE EXISTS (
        SELECT 1 FROM therapy_sessions s WHERE s.is_active AND s.id IS NOT NEW.id
        AND s.specialist_id = NEW.specialist_id AND s.busy_from < NEW.busy_until AND NEW.busy_from < s.busy_until);
    SELECT RAISE(ABORT, 'therapy_sessions overlap: room') WHERE NEW.room_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM therapy_sessions s WHERE s.is_active AND s.id IS NOT NEW.id
        AND s.room_id = NEW.room_id AND s.starts_at < NEW.ends_at AND NEW.starts_at < s.ends_at);
    SELECT RAISE(ABORT, 'therapy_sessions overlap: child') WHERE NEW.child_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM therapy_sessions s WHERE s.is_active AND s.id IS NOT NEW.id
        AND s.child_id = NEW.child_id AND s.starts_at < NEW.ends_at AND NEW.starts_at < s.ends_at);
"""
SQLITE_TRIGGERS = ("trg_therapy_sessions_no_overlap_insert", "trg_therapy_sessions_no_overlap_update")


def create_session_guards():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        for name, spec in PG_CONSTRAINTS:
            op.execute(f"ALTER TABLE therapy_sessions ADD CONSTRAINT {name} EXCLUDE USING gist ({spec}) WHERE (is_active)")
    elif bind.dialect.name == "sqlite":
        op.execute(f"CREATE TRIGGER {SQLITE_TRIGGERS[0]} BEFORE INSERT ON therapy_sessions "
                   f"WHEN NEW.is_active BEGIN {SQLITE_CHECKS} END")
        op.execute(f"CREATE TRIGGER {SQLITE_TRIGGERS[1]} BEFORE UPDATE ON therapy_sessions "
                   f"WHEN NEW.is_active BEGIN {SQLITE_CHECKS} END")


def drop_session_guards():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name, _spec in PG_CONSTRAINTS:
            op.execute(f"ALTER TABLE therapy_sessions DROP CONSTRAINT IF EXISTS {name}")
    elif bind.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
