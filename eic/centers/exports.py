"""The births import template: one row per region with its ISO code and name, the year, and births to fill."""
from flask_babel import gettext as _

from eic.core.i18n import localized

from . import queries, services


def births_template(year: int) -> list:
    """The births import template for ``year``: one row per region, births left empty to fill in."""
    headers = [str(label) for _col, label in services.BIRTHS_COLUMNS] + [_("Region name (for reading only)")]
    rows = ([r.iso_code, year, None, localized(r, "name")] for r in queries.regions())
    return [(_("Births"), headers, rows, [14, 10, 14, 40])]
