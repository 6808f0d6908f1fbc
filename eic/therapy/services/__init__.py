"""The therapy domain's services, one module per kind of record; each checks permissions and raises DomainErrors.

- ``sessions``: book a session or a weekly series, move, cancel, group rosters, attendance and notes;
- ``plans``: individual plans, their reviews and outcome ratings;
- ``discharge``: discharge and the follow-up it schedules;
- ``availability``: opening hours, closures, specialists' working hours and absences.

The session services are also offered here, as every domain's ``services`` offers its main record's operations.
"""
from .sessions import (BookingClash, add_to_roster, book_series, cancel_series_from, cancel_session, is_note_late,
                       join_group, leave_group, move_series_from, move_session, note_due_on, record_attendance,
                       record_group_attendance, record_note, tell_families)

__all__ = ["BookingClash", "add_to_roster", "book_series", "cancel_series_from", "cancel_session", "is_note_late",
           "join_group", "leave_group", "move_series_from", "move_session", "note_due_on", "record_attendance",
           "record_group_attendance", "record_note", "tell_families"]
