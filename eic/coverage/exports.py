"""The ministry's coverage workbook: summary, regions, centers, months and timeliness, with no personal data."""
from flask_babel import gettext as _

from eic.capacity.figures import TIMELINESS_LABELS
from eic.core.i18n import localized

from . import figures


def coverage_sheets(pub) -> list:
    """The sheets of a ``published.Publication`` (also written weekly by the scheduler, ``coverage.tasks``).
    Aggregates only; a hidden count is written as the page shows it, "x"."""
    data, need = pub.data, pub.need_coverage()
    headers = [_("Name"), _("Referrals received"), _("Accepted"), _("Declined"), _("Redirected"),
               _("Children enrolled"), _("Families served"), _("Target for the period"), _("Coverage of need")]

    def rows(items):
        for r in items:
            p = pub.row(r)
            share = need.get(r.key)
            yield [localized(r, "name"), p["referrals"], p["accepted"], p["declined"], p["redirected"],
                   p["enrolled"], p["families_served"], r.target, round(share, 4) if share is not None else ""]

    def timeliness_rows():
        for r in [data["national"], *data["regions"], *data["centers"]]:
            row = [localized(r, "name")]
            for key, _label in TIMELINESS_LABELS:
                p = figures.public_spread(pub.timeliness[r.key][key], pub.show(f"timeliness:{key}", r.key))
                row += [p["children"], p["median_days"], p["p90_days"], p["within_target"]]
            yield ["" if v is None else v for v in row]

    timeliness_headers = [_("Name")]
    for _key, label in TIMELINESS_LABELS:
        timeliness_headers += [f"{label}: {_('Children')}", f"{label}: {_('Median days')}",
                               f"{label}: {_('90th percentile')}", f"{label}: {_('Within the target')}"]
    widths = [34, 14, 12, 12, 12, 14, 14, 14, 14]
    summary = [[_("From"), pub.first], [_("Until"), pub.last], [_("No personal data."), ""],
               [_("x: hidden, a count from 1 to 4 or a count that would give one away by subtraction."), ""]]
    month_rows = ([f"{pub.year}-{m:02d}", *(pub.show(measure, period=(m, m2)) for measure in
                                            ("referrals", "enrolled", "served"))] for m, m2 in pub.months())
    return [
        (_("Summary"), [_("Coverage"), ""], summary + list(rows([data["national"]])), [40, 16]),
        (_("Regions"), headers, rows(data["regions"]), widths),
        (_("Centers"), headers, rows(data["centers"]), widths),
        (_("Months"), [_("Month"), _("Referrals received"), _("Children enrolled"), _("Families served in the month")],
         month_rows, [10, 16, 16, 18]),
        (_("Timeliness"), timeliness_headers, timeliness_rows(), [34] + [14] * 12),
    ]
