"""What the child's team sees of the family's own side on the case page: the caregivers' check-ins (the team
only), the family's survey answers and the support entries recommended to them."""
from eic.core.i18n import localized
from eic.core.roles import Role

from . import surveys, wellbeing
from .forms import DoneForm, RecommendForm


def case_panel(referral, user) -> dict:
    from eic.support import services as support
    from eic.support.forms import CATEGORY_LABELS

    recommended = support.recommended_for([referral.id]).get(referral.id, [])
    form = None
    if user.role is Role.COORDINATOR:
        taken = {r.entry_id for r in recommended}
        form = RecommendForm(formdata=None)
        form.entry.choices = [(e.id, f"{CATEGORY_LABELS[e.category]}: {localized(e, 'name')}")
                              for e in support.for_region(referral.center.region_id) if e.id not in taken]
    return {"checkins": wellbeing.of_referral(referral.id), "explain": wellbeing.explain,
            "task_score": wellbeing.TASK_SCORE, "surveys": surveys.of_referral(referral.id),
            "occasions": surveys.OCCASION_LABELS,
            "questions": surveys.OUTCOME_QUESTIONS + surveys.SATISFACTION_QUESTIONS,
            "recommended": recommended, "recommend_form": form, "done_form": DoneForm(formdata=None),
            "category_labels": CATEGORY_LABELS}
