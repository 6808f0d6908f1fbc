"""The weekly coverage workbook for the ministry: the year to the last month that has ended, kept on disk for
download (whole months only, as the page: ``published``)."""
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from eic.core.roles import Role
from eic.core.timeutil import ALMATY
from eic.jobs.outcome import N_, outcome
from eic.jobs.scheduler import Job, weekly
from eic.notifications.services import notify_each, users_with_role


def reports_dir() -> Path:
    """Where the weekly workbooks are kept (``EIC_REPORTS_DIR``, default ``instance/reports``)."""
    path = Path(current_app.config.get("EIC_REPORTS_DIR") or Path(current_app.instance_path) / "reports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def weekly_workbook(now) -> str:
    """Scheduled: write the year-to-date coverage workbook, once in each language, to the reports folder and tell
    the ministry. A reader is offered the workbook in their own language."""
    from flask_babel import force_locale

    from eic.core.xlsx import write_workbook

    from .exports import coverage_sheets
    from .published import default_period, publish

    today = now.astimezone(ALMATY).date()
    year, first_month, last_month = default_period(today)
    pub = publish(year, first_month, last_month, today=today)
    period = weekly(now)
    for language in current_app.config["EIC_LANGUAGES"]:
        name = workbook_name(period, language)
        # Written beside and renamed: a reader never sees half a file.
        partial = reports_dir() / f".{name}.part"
        with force_locale(language):
            write_workbook(str(partial), coverage_sheets(pub))
        partial.replace(reports_dir() / name)
    notify_each(users_with_role(Role.MINISTRY), kind="coverage_workbook", key=f"workbook:{period}",
                params={"date": pub.last.isoformat()})
    return outcome(N_("Workbooks written: %(n)s"), n=len(current_app.config["EIC_LANGUAGES"]))


def workbook_name(period: str, language: str) -> str:
    """The file of the week ``period`` (``2026-W47``) in ``language``."""
    return f"coverage-{period}-{language}.xlsx"


def kept_workbooks(language: str) -> list[tuple[date, str]]:
    """The weekly workbooks in ``language`` kept on disk, newest first, with the Monday they were written."""
    found = []
    for path in reports_dir().glob(f"coverage-*-W*-{language}.xlsx"):
        year, week = path.name.split("-")[1], path.name.split("-")[2][1:]
        if year.isdigit() and week.isdigit():
            found.append((date.fromisocalendar(int(year), int(week), 1), path.name))
    return sorted(found, reverse=True)


JOBS = [Job("coverage.weekly_workbook", weekly_workbook, {"day_of_week": "mon", "hour": 3, "minute": 0}, weekly,
            _l("Weekly coverage workbook for the ministry"))]
