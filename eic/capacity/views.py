"""The capacity page of a center (its coordinator; administrators for any center) and its drill-downs."""
from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from eic.centers import queries as center_queries
from eic.core.auth import role_required
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.extensions import db
from eic.intake import queries as intake_queries
from eic.referrals.models import Referral
from eic.referrals.validation import parse_int

from . import figures

bp = Blueprint("capacity", __name__, template_folder="templates", url_prefix="/capacity")


def _center_and_year():
    today = almaty_today()
    year = parse_int(request.args.get("year") or "") or today.year
    if not 2020 <= year <= today.year + 1:
        abort(404)
    if current_user.role is Role.ADMIN:
        center = center_queries.center_by_code(request.args.get("center") or "") or center_queries.centers()[0]
    else:
        center = current_user.center
    return center, year, today


@bp.route("/")
@role_required(Role.COORDINATOR, Role.ADMIN)
def index():
    center, year, today = _center_and_year()
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    staff = intake_queries.specialists(center.id)
    return render_template("capacity/index.html", center=center, year=year, today=today,
                           capacity=figures.capacity(center, year=year, today=today),
                           waitlist=figures.waitlist_figures(center.id, today=today),
                           timeliness=figures.timeliness(center.id, first=first, last=last),
                           staff=staff, loads=intake_queries.active_caseloads(center.id),
                           centers=center_queries.centers() if current_user.role is Role.ADMIN else [])


@bp.route("/served")
@role_required(Role.COORDINATOR)
def served():
    """The children behind "families served" (the coordinator's own center only)."""
    center, year, today = _center_and_year()
    child_ids = select(figures.served_children(center.id, date(year, 1, 1), min(date(year, 12, 31), today))
                       .subquery().c.child_id)
    rows = db.session.scalars(select(Referral).where(Referral.center_id == center.id,
                                                     Referral.child_id.in_(child_ids))
                              .order_by(Referral.child_id, Referral.id)).all()
    latest = {}
    for referral in rows:
        latest[referral.child_id] = referral
    return render_template("capacity/served.html", center=center, year=year, referrals=list(latest.values()))
