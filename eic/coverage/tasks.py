"""The weekly coverage workbook for the ministry: the year to date, kept on disk for download."""
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from eic.core.roles import Role
from eic.core.timeutil import ALMATY
from eic.jobs.scheduler import Job, weekly
from eic.notifications.services import notify_each, users_with_role


def reports_dir() -> Path:
    """Where the weekly workbooks are kept (``EIC_REPORTS_DIR``, default ``instance/reports``)."""
    path = Path(current_app.config.get("EIC_REPORTS_DIR") or Path(current_app.instance_path) / "reports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def weekly_workbook(now) -> str:
    """Scheduled: write the year-to-date coverage workbook to the reports folder and tell the ministry."""
    from eic.core.xlsx import write_workbook

    from .exports import coverage_sheets

    until = now.astimezone(ALMATY).date() - timedelta(days=1)
    first = date(until.year, 1, 1)
    period = weekly(now)
    name = f"coverage-{period}.xlsx"
    # Written beside and renamed: a reader never sees half a file.
    partial = reports_dir() / f".{name}.part"
    write_workbook(str(partial), coverage_sheets(first, until, until.year))
    partial.replace(reports_dir() / name)
    notify_each(users_with_role(Role.MINISTRY), kind="coverage_workbook", key=f"workbook:{period}",
                params={"date": until.isoformat()})
    return name


def kept_workbooks() -> list[Path]:
    """The weekly workbooks kept on disk, newest first."""
    return sorted(reports_dir().glob("coverage-*.xlsx"), reverse=True)


JOBS = [Job("coverage.weekly_workbook", weekly_workbook, {"day_of_week": "mon", "hour": 3, "minute": 0}, weekly,
            _l("Weekly coverage workbook for the ministry"))]
