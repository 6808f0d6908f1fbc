"""Test helpers about today's date (the tests run on any day of the year)."""


def months_so_far(year: int) -> int:
    """How many months of ``year`` a period page shows today: up to the current month in the current year."""
    from eic.core.timeutil import almaty_today

    today = almaty_today()
    return today.month if today.year == year else 12
