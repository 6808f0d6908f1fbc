from datetime import date

from eic.coverage import outcomes
from eic.referrals.status import Status
from tests.factories.referrals import ReferralFactory
from tests.factories.therapy import DischargeFactory, OutcomeRatingFactory


def test_categories():
    assert outcomes.category(6, 7, True) == "e"
    assert outcomes.category(3, 6, True) == "d"
    assert outcomes.category(3, 5, True) == "c"
    assert outcomes.category(3, 3, True) == "b"
    assert outcomes.category(3, 2, False) == "a"


def test_summary_statements_need_five_children(ctx):
    pairs = [(3, 6), (3, 5), (2, 2), (6, 7), (4, 6), (2, 4)]  # d, c, b (new skills), e, d, c
    for entry, exit_ in pairs:
        r = ReferralFactory(status=Status.CLOSED, is_open=False)
        OutcomeRatingFactory(referral_id=r.id, kind="entry", social=entry, knowledge=entry, behaviour=entry)
        OutcomeRatingFactory(referral_id=r.id, kind="exit", rated_on=date(2026, 6, 1), social=exit_, knowledge=exit_,
                             behaviour=exit_, new_skills=True)
    social = outcomes.progress(first=date(2026, 1, 1), last=date(2026, 12, 31))["social"]
    assert social["counts"] == {"a": 0, "b": 1, "c": 2, "d": 2, "e": 1}
    assert social["ss1"] == 4 / 5 and social["ss2"] == 3 / 6
    assert outcomes.progress(first=date(2026, 1, 1), last=date(2026, 3, 31))["social"]["ss1"] is None


def test_discharges_and_satisfaction(ctx):
    for score in (5, 4, 5, 3, 5):
        DischargeFactory(discharged_on=date(2026, 5, 1), satisfaction_overall=score)
    DischargeFactory(discharged_on=date(2026, 5, 2), reason="moved_away", satisfaction_overall=None)
    result = outcomes.delivery(first=date(2026, 1, 1), last=date(2026, 12, 31))
    assert result["discharges"] == {"goals_met": 5, "moved_away": 1}
    assert result["satisfaction"] == 4.4 and result["satisfaction_answers"] == 5
