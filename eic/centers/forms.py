from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, NumberRange

from eic.core.i18n import localized
from eic.core.validation import REQUIRED

from . import queries


class CenterForm(FlaskForm):
    region = SelectField(_l("Region"), coerce=int)
    city_kk = StringField(_l("City (Kazakh)"), validators=[DataRequired(REQUIRED)])
    city_ru = StringField(_l("City (Russian)"), validators=[DataRequired(REQUIRED)])
    city_en = StringField(_l("City (English)"), validators=[DataRequired(REQUIRED)])
    annual_target_families = IntegerField(_l("Annual target (families)"), validators=[
        DataRequired(REQUIRED), NumberRange(min=0, max=100000, message=_l("Enter a target between 0 and 100000."))])
    is_active = BooleanField(_l("Active"))

    def fill_choices(self):
        self.region.choices = [(r.id, localized(r, "name")) for r in queries.regions()]


def fill_affiliation_choices(form):
    """Choices for the center, polyclinic and discipline selects of the user form."""
    none = [(0, "—")]
    form.center.choices = none + [(c.id, localized(c, "city")) for c in queries.centers()]
    form.polyclinic.choices = none + [(p.id, p.name) for p in queries.polyclinics()]
    form.discipline.choices = none + [(d.id, localized(d, "name")) for d in queries.disciplines()]


ROOM_KIND_LABELS = {"therapy": _l("Therapy room"), "sensory": _l("Sensory room"), "gym": _l("Exercise hall"),
                    "group": _l("Group room"), "consultation": _l("Consultation room")}


class RoomForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED)])
    kind = SelectField(_l("Kind"), choices=list(ROOM_KIND_LABELS.items()))
    capacity = IntegerField(_l("Places"), default=1, validators=[DataRequired(REQUIRED), NumberRange(1, 50)])
    is_accessible = BooleanField(_l("Step-free access (a wheelchair can enter)"))
    is_active = BooleanField(_l("In use"), default=True)
