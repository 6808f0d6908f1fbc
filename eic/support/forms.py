"""The directory entry form (kk/ru/en side by side) and the names of the kinds of support."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eic.core.i18n import LANGUAGE_LABELS
from eic.core.validation import REQUIRED

from .models import CATEGORIES

CATEGORY_LABELS = {
    "benefits": _l("Benefits and allowances"), "legal": _l("Legal help"),
    "ngo": _l("NGOs and parent associations"), "peer_group": _l("Peer groups"), "hotline": _l("Hot lines"),
    "respite": _l("Respite care"), "kindergarten": _l("Kindergartens with inclusive groups"),
    "pmpk": _l("Psychological-medical-pedagogical consultations (PMPK)"),
}
assert set(CATEGORY_LABELS) == set(CATEGORIES)


class EntryForm(FlaskForm):
    category = SelectField(_l("Kind of support"), choices=[(c, CATEGORY_LABELS[c]) for c in CATEGORIES])
    region_id = SelectField(_l("Region"), coerce=int, validate_choice=False)
    name_kk = StringField(_l("Name in Kazakh"))
    name_ru = StringField(_l("Name in Russian"))
    name_en = StringField(_l("Name in English"))
    offer_kk = TextAreaField(_l("What it offers, in Kazakh"))
    offer_ru = TextAreaField(_l("What it offers, in Russian"))
    offer_en = TextAreaField(_l("What it offers, in English"))
    audience_kk = StringField(_l("For whom, in Kazakh"))
    audience_ru = StringField(_l("For whom, in Russian"))
    audience_en = StringField(_l("For whom, in English"))
    contacts = TextAreaField(_l("Contacts (phone, address, website)"))
    hours = StringField(_l("Hours"))
    languages = SelectMultipleField(_l("Languages it serves in"), choices=list(LANGUAGE_LABELS.items()),
                                    widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                    validators=[Optional()])
    checked_on = DateField(_l("Last checked on"), validators=[InputRequired(REQUIRED)])

    def data_for_service(self) -> dict:
        return {name: self[name].data for name in (
            "category", "region_id", "contacts", "hours", "languages", "checked_on",
            *(f"{f}_{lang}" for f in ("name", "offer", "audience") for lang in ("kk", "ru", "en")))}
