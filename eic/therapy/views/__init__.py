"""The therapy pages, on one blueprint (``blueprint.bp``), one module per task:

- ``sessions``: booking from a case, the week, a session, the specialist's day;
- ``plans``: a child's plan, its reviews and ratings, the center's plan list;
- ``hours``: opening hours, closures, working hours and absences;
- ``discharge``: the discharge form, its printable summary and the follow-ups due;
- ``offline``: the specialist's week as an app that works without a network.
"""
from . import discharge, hours, offline, plans, sessions  # noqa: F401 - each adds its routes to bp
from .blueprint import bp

__all__ = ["bp"]
