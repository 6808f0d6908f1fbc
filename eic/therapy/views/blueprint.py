"""The therapy pages' one blueprint (endpoints ``therapy.*``), shared by the modules of this package."""
from flask import Blueprint

# Named after the domain package so that its templates folder (eic/therapy/templates) is found.
bp = Blueprint("therapy", "eic.therapy", template_folder="templates", url_prefix="/therapy")


@bp.context_processor
def therapy_labels():
    """Labels every therapy page may show."""
    from ..forms import STATE_LABELS

    return {"state_labels": STATE_LABELS}
