"""The list of centers (everyone logged in) and its correction (administrators)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from eic.core.auth import role_required
from eic.core.errors import ValidationFailed
from eic.core.roles import Role
from eic.extensions import db

from . import queries, services
from .forms import CenterForm
from .models import Center, Region

bp = Blueprint("centers", __name__, template_folder="templates")


@bp.route("/centers")
@login_required
def index():
    return render_template("centers/index.html", centers=queries.centers(active_only=False))


@bp.route("/centers/<int:center_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(center_id):
    center = db.get_or_404(Center, center_id)
    form = CenterForm(obj=center, region=center.region_id)
    form.fill_choices()
    if form.validate_on_submit():
        try:
            services.update_center(center, region=db.session.get(Region, form.region.data), actor=current_user,
                                   **{k: form[k].data for k in ("city_kk", "city_ru", "city_en",
                                                                "annual_target_families", "is_active")})
        except ValidationFailed as exc:
            db.session.rollback()
            for name, messages in exc.fields.items():
                form[name].errors = [str(m) for m in messages]
        else:
            db.session.commit()
            flash(_("Center saved."), "success")
            return redirect(url_for("centers.index"))
    return render_template("centers/edit.html", form=form, center=center)
