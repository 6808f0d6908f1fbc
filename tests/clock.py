"""Test helpers about today's date (the tests run on any day of the year)."""


def months_published(year: int) -> int:
    """How many months of ``year`` the ministry's figures show today: the months that have ended."""
    from eic.core.timeutil import almaty_today
    from eic.coverage.published import last_complete_month

    return last_complete_month(year, almaty_today())
