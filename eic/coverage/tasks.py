"""The weekly coverage workbook for the ministry: the year to the last month that has ended, kept in the
database for download from any web host (``jobs.files``; whole months only, as the page: ``published``)."""
from datetime import date
from io import BytesIO

from flask import current_app
from flask_babel import lazy_gettext as _l

from eic.core.roles import Role
from eic.core.timeutil import ALMATY
from eic.jobs.outcome import N_, outcome
from eic.jobs.scheduler import Job, weekly
from eic.notifications.services import notify_each, users_with_role

JOB_ID = "coverage.weekly_workbook"


def weekly_workbook(now) -> str:
    """Scheduled: write the year-to-date coverage workbook, once in each language, into the database and tell
    the ministry. A reader is offered the workbook in their own language."""
    from flask_babel import force_locale

    from eic.core.xlsx import XLSX, write_workbook
    from eic.jobs import files

    from .exports import coverage_sheets
    from .published import default_period, publish

    today = now.astimezone(ALMATY).date()
    year, first_month, last_month = default_period(today)
    pub = publish(year, first_month, last_month, today=today)
    period = weekly(now)
    for language in current_app.config["EIC_LANGUAGES"]:
        buffer = BytesIO()
        with force_locale(language):
            write_workbook(buffer, coverage_sheets(pub))
        # Part of the run's transaction: the files appear when the run succeeds, never half of them.
        files.keep(JOB_ID, workbook_name(period, language), buffer.getvalue(), period=period, media_type=XLSX,
                   language=language)
    notify_each(users_with_role(Role.MINISTRY), kind="coverage_workbook", key=f"workbook:{period}",
                params={"date": pub.last.isoformat()})
    return outcome(N_("Workbooks written: %(n)s"), n=len(current_app.config["EIC_LANGUAGES"]))


def workbook_name(period: str, language: str) -> str:
    """The file of the week ``period`` (``2026-W47``) in ``language``."""
    return f"coverage-{period}-{language}.xlsx"


def kept_workbooks(language: str) -> list[tuple[date, str]]:
    """The weekly workbooks in ``language``, newest first, with the Monday of their week."""
    from eic.jobs import files

    found = []
    for row in files.listed(JOB_ID, language):
        year, _sep, week = row.period.partition("-W")
        if year.isdigit() and week.isdigit():
            found.append((date.fromisocalendar(int(year), int(week), 1), row.name))
    return found


JOBS = [Job(JOB_ID, weekly_workbook, {"day_of_week": "mon", "hour": 3, "minute": 0}, weekly,
            _l("Weekly coverage workbook for the ministry"))]
