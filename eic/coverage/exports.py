"""The ministry's coverage workbook: summary, regions, centers, months and timeliness, with no personal data."""
from flask_babel import gettext as _

from eic.capacity.figures import TIMELINESS_LABELS
from eic.core.i18n import localized

from . import figures


def coverage_sheets(first, last, year) -> list:
    """The sheets of the coverage report between two dates, need coverage against ``year``'s births (also
    written weekly by the scheduler, ``coverage.tasks``). Aggregates only; counts of 1 to 4 show as "<5"."""
    data = figures.coverage(first=first, last=last)
    need = figures.public_need_coverage(data["regions"], year=year)
    timeliness = figures.timeliness(first=first, last=last)
    headers = [_("Name"), _("Referrals received"), _("Accepted"), _("Declined"), _("Redirected"),
               _("Children enrolled"), _("Families served"), _("Target for the period"), _("Coverage of need")]

    def rows(items):
        for r in items:
            p = r.public()
            share = need.get(r.key)
            yield [localized(r, "name"), p["referrals"], p["accepted"], p["declined"], p["redirected"],
                   p["enrolled"], p["families_served"], r.target, round(share, 4) if share is not None else ""]

    def timeliness_rows():
        for r in [data["national"], *data["regions"], *data["centers"]]:
            row = [localized(r, "name")]
            for key, _label in TIMELINESS_LABELS:
                p = figures.public_spread(timeliness[r.key][key])
                row += [p["children"], p["median_days"], p["p90_days"], p["within_target"]]
            yield ["" if v is None else v for v in row]

    timeliness_headers = [_("Name")]
    for _key, label in TIMELINESS_LABELS:
        timeliness_headers += [f"{label}: {_('Children')}", f"{label}: {_('Median days')}",
                               f"{label}: {_('90th percentile')}", f"{label}: {_('Within the target')}"]
    widths = [34, 14, 12, 12, 12, 14, 14, 14, 14]
    summary = [[_("From"), first], [_("Until"), last],
               [_("No personal data; any count from 1 to 4 is shown as <5."), ""]]
    month_rows = ([m.first.strftime("%Y-%m"), *list(m.public().values())[1:]]
                  for m in figures.monthly(first=first, last=last))
    return [
        (_("Summary"), [_("Coverage"), ""], summary + list(rows([data["national"]])), [40, 16]),
        (_("Regions"), headers, rows(data["regions"]), widths),
        (_("Centers"), headers, rows(data["centers"]), widths),
        (_("Months"), [_("Month"), _("Referrals received"), _("Children enrolled"), _("Families served in the month")],
         month_rows, [10, 16, 16, 18]),
        (_("Timeliness"), timeliness_headers, timeliness_rows(), [34] + [14] * 12),
    ]
