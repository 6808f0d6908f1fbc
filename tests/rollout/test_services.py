"""Budget sums in whole tenge, the pipeline's steps, the 299 target's arithmetic, readiness thresholds."""
from datetime import date

import pytest

from eic.core.errors import Forbidden, InvalidTransition, ValidationFailed
from eic.core.roles import Role
from eic.rollout import figures, services
from tests.factories.accounts import user_for_role
from tests.factories.centers import center, discipline
from tests.factories.rollout import (CohortFactory, CourseFactory, EquipmentItemFactory, TraineeFactory,
                                     VisitActionFactory, VisitFactory)

TODAY = date(2022, 12, 1)


@pytest.fixture
def foundation(ctx):
    return user_for_role(Role.FOUNDATION)


def line(foundation, code="aktobe", *, price, quantity, source="samruk_kazyna", year=2022):
    return services.plan_line(center=center(code), item=EquipmentItemFactory(unit_price=price),
                              programme_year=year, quantity=quantity, source=source, actor=foundation, today=TODAY)


def walk(line_, foundation, to):
    days = {"ordered": date(2022, 6, 1), "delivered": date(2022, 8, 1), "installed": date(2022, 8, 15),
            "commissioned": date(2022, 9, 1)}
    for stage in ("ordered", "delivered", "installed", "commissioned"):
        services.advance(line_, to_stage=stage, on=days[stage], document=f"{stage} 1",
                         expected_delivery_on=date(2022, 7, 1), actor=foundation, today=TODAY)
        if stage == to:
            return


def test_budget_sums_are_exact_in_tenge(foundation):
    # Prices chosen so that a float sum would drift: 0.1-tenge-like fractions do not exist; large sums do.
    a = line(foundation, price=123_456_789, quantity=3)  # 370 370 367
    b = line(foundation, "oral", price=99_999_999, quantity=7, source="kamkorlyk")  # 699 999 993
    c = line(foundation, price=1, quantity=1, source="akimat")
    walk(a, foundation, "ordered")
    walk(b, foundation, "commissioned")
    services.set_programme_budget(year=2022, source="samruk_kazyna", amount=500_000_000, actor=foundation)
    money = figures.budget(2022)
    assert money.total.planned == 370_370_367 + 699_999_993 + 1 == 1_070_370_361
    assert money.total.committed == 370_370_367 + 699_999_993 and money.total.spent == 699_999_993
    assert money.by_source["akimat"].planned == 1 and money.by_source["other"].planned == 0
    assert money.by_center[center("aktobe").id].planned == 370_370_368
    # Seed 001's 2022 budget (migration) plus the Samruk-Kazyna line set here.
    assert money.programme == {"programme": 870_273_144, "samruk_kazyna": 500_000_000}
    assert money.programme_total == 1_370_273_144
    assert all(isinstance(v, int) for v in (money.total.planned, money.total.committed, money.total.spent))
    assert c.amount == 1


def test_the_pipeline_moves_one_step_at_a_time_with_dates_and_documents(foundation):
    item = line(foundation, price=10, quantity=1)
    with pytest.raises(InvalidTransition):
        services.advance(item, to_stage="delivered", on=date(2022, 6, 1), document="x", actor=foundation,
                         today=TODAY)
    with pytest.raises(ValidationFailed) as info:
        services.advance(item, to_stage="ordered", on=date(2023, 1, 1), document="", actor=foundation, today=TODAY)
    assert set(info.value.fields) == {"on", "document", "expected_delivery_on"}
    assert item.stage == "planned"
    services.advance(item, to_stage="ordered", on=date(2022, 6, 1), document="Contract 17",
                     expected_delivery_on=date(2022, 7, 1), actor=foundation, today=TODAY)
    with pytest.raises(ValidationFailed) as info:
        services.advance(item, to_stage="delivered", on=date(2022, 5, 1), document="DN-1", actor=foundation,
                         today=TODAY)
    assert "on" in info.value.fields  # before the order
    walk_rest = {"delivered": "DN-1", "installed": "", "commissioned": "Act 3"}
    for stage, document in walk_rest.items():
        services.advance(item, to_stage=stage, on=date(2022, 8, 1), document=document, actor=foundation,
                         today=TODAY)
    assert [s.stage for s in item.steps] == ["planned", "ordered", "delivered", "installed", "commissioned"]
    with pytest.raises(InvalidTransition):
        services.advance(item, to_stage="commissioned", on=date(2022, 8, 2), actor=foundation, today=TODAY)


def test_issues_only_after_delivery_and_overdue_deliveries(foundation):
    late = line(foundation, price=5, quantity=1)
    services.advance(late, to_stage="ordered", on=date(2022, 6, 1), document="C-1",
                     expected_delivery_on=date(2022, 9, 1), actor=foundation, today=TODAY)
    on_time = line(foundation, price=5, quantity=1)
    services.advance(on_time, to_stage="ordered", on=date(2022, 6, 1), document="C-2",
                     expected_delivery_on=date(2022, 12, 20), actor=foundation, today=TODAY)
    assert figures.overdue_deliveries(TODAY) == [late]
    with pytest.raises(ValidationFailed):
        services.report_issue(late, kind="defect", reported_on=date(2022, 9, 2), description="Broken",
                              actor=foundation, today=TODAY)
    services.advance(late, to_stage="delivered", on=date(2022, 9, 10), document="DN", actor=foundation, today=TODAY)
    assert figures.overdue_deliveries(TODAY) == []
    issue = services.report_issue(late, kind="warranty_claim", reported_on=date(2022, 9, 12), description="Motor",
                                  actor=foundation, today=TODAY)
    with pytest.raises(ValidationFailed):
        services.resolve_issue(issue, on=date(2022, 9, 1), actor=foundation, today=TODAY)


def test_only_foundation_staff_change_the_rollout(ctx):
    with pytest.raises(Forbidden):
        services.plan_line(center=center("aktobe"), item=EquipmentItemFactory(), programme_year=2022, quantity=1,
                           source="other", actor=user_for_role(Role.COORDINATOR))


def test_the_299_target_counts_valid_completions_once(foundation):
    core = CourseFactory(code="EI-CORE", refresher_months=24)
    extra = CourseFactory(code="ELECTIVE", counts_toward_target=False)
    speech = discipline("speech_therapist")
    people = [services.find_or_add_trainee(center=center("aktobe"), full_name=f"Person {n}", discipline=speech,
                                           actor=foundation) for n in range(4)]
    spring, autumn = CohortFactory(course=core, starts_on=date(2020, 4, 1)), CohortFactory(course=core)
    elective = CohortFactory(course=extra)
    # 0: completed twice (two cohorts): counted once. 1: completed in 2020, expired by December 2022.
    # 2: completed only the elective. 3: enrolled, not completed.
    for cohort in (spring, autumn):
        services.complete(services.enrol(cohort=cohort, trainee=people[0], actor=foundation),
                          completed_on=cohort.starts_on, certificate_number="A", actor=foundation, today=TODAY)
    services.complete(services.enrol(cohort=spring, trainee=people[1], actor=foundation),
                      completed_on=date(2020, 4, 10), certificate_number="B", actor=foundation, today=TODAY)
    services.complete(services.enrol(cohort=elective, trainee=people[2], actor=foundation),
                      completed_on=date(2022, 4, 10), certificate_number="C", actor=foundation, today=TODAY)
    services.enrol(cohort=autumn, trainee=people[3], actor=foundation)
    result = figures.progress(TODAY)
    assert (result.target, result.trained, result.staff, result.remaining) == (299, 1, 4, 298)
    assert result.by_discipline == {"speech_therapist": (1, 4)}
    assert result.by_center[center("aktobe").id] == (1, 4)
    assert round(result.share, 4) == round(1 / 299, 4)
    assert people[1].id in {t.id for t, c in figures.still_needed(TODAY) if c.code == "EI-CORE"}
    assert people[0].id not in {t.id for t, c in figures.still_needed(TODAY) if c.code == "EI-CORE"}


def test_a_staff_member_keeps_their_discipline(foundation):
    services.find_or_add_trainee(center=center("aktobe"), full_name="Aigerim  Amanova",
                                 discipline=discipline("psychologist"), actor=foundation)
    same = services.find_or_add_trainee(center=center("aktobe"), full_name="Aigerim Amanova",
                                        discipline=discipline("psychologist"), actor=foundation)
    assert same.full_name == "Aigerim Amanova"
    with pytest.raises(ValidationFailed) as info:
        services.find_or_add_trainee(center=center("aktobe"), full_name="Aigerim Amanova",
                                     discipline=discipline("speech_therapist"), actor=foundation)
    assert "discipline" in info.value.fields


def test_readiness_thresholds(foundation):
    from eic.core.settings import set_setting

    admin = user_for_role(Role.ADMIN)
    aktobe = center("aktobe")
    walk(line(foundation, price=900, quantity=1), foundation, "commissioned")
    line(foundation, price=100, quantity=1)  # planned only: 90% of the value commissioned, 90% spent
    course = CourseFactory()
    for n in range(2):
        trainee = TraineeFactory(center_id=aktobe.id)
        services.complete(services.enrol(cohort=CohortFactory(course=course), trainee=trainee, actor=foundation),
                          completed_on=date(2022, 4, 10), certificate_number=f"X{n}", actor=foundation, today=TODAY)
    VisitActionFactory(visit=VisitFactory(center_id=aktobe.id), due_on=date(2022, 11, 1))  # overdue on TODAY

    def aktobe_row():
        return next(r for r in figures.readiness(TODAY) if r.center.id == aktobe.id)

    row = aktobe_row()
    assert (round(row.equipment_share, 2), round(row.budget_share, 2), row.trained) == (0.9, 0.9, 2)
    assert (row.open_actions, row.overdue_actions) == (1, 1)
    assert not row.ready  # 2 of 23 trained, one overdue action
    set_setting("rollout.trained_per_center", 2, actor=admin)
    set_setting("rollout.max_overdue_actions", 1, actor=admin)
    assert aktobe_row().ready  # 90% >= 90% and 90% >= 80%
    set_setting("rollout.equipment_ready_percent", 91, actor=admin)
    assert not aktobe_row().ready
    national = figures.national_readiness(figures.readiness(TODAY))
    assert national["centers"] == 13 and national["ready"] == 0 and national["trained"] == 2
    assert round(national["equipment_share"], 2) == 0.9


def test_a_visit_records_scores_and_actions_all_or_nothing(foundation):
    with pytest.raises(ValidationFailed) as info:
        services.record_visit(center=center("oral"), kind="quality", visited_on=date(2022, 10, 3), mentor="M",
                              scores={"referral_pathway": 4}, actions=[
                                  {"description": "Do", "owner": "", "due_on": date(2022, 9, 1), "index": 2}],
                              actor=foundation, today=TODAY)
    assert set(info.value.fields) == {"score_referral_pathway", "actions-2-owner", "actions-2-due_on"}
    visit = services.record_visit(center=center("oral"), kind="quality", visited_on=date(2022, 10, 3), mentor="M",
                                  scores={"referral_pathway": 3, "team_assessment": 0, "equipment_use": None},
                                  actions=[{"description": "Train", "owner": "Head", "due_on": date(2022, 11, 1)}],
                                  actor=foundation, today=TODAY)
    assert visit.score_percent == 50 and visit.scores == {"referral_pathway": 3, "team_assessment": 0}
    assert figures.overdue_actions(TODAY) == visit.actions
    services.finish_action(visit.actions[0], on=date(2022, 11, 5), actor=foundation, today=TODAY)
    assert figures.overdue_actions(TODAY) == []
    with pytest.raises(InvalidTransition):
        services.finish_action(visit.actions[0], on=date(2022, 11, 6), actor=foundation, today=TODAY)


@pytest.mark.parametrize("first, again", [
    ("Acc Person Four", "ACC PERSON FOUR"),
    ("Аманова Айгерім", "АМАНОВА  АЙГЕРІМ"),
    ("Сейітов Ержан", "сейітов ержан"),
    ("Жұмабай Әлия", "Жұмабай А\u0308лия".replace("А\u0308", "Ә")),
    ("Ёлкина Анна", "ЁЛКИНА анна"),
    # The same letters composed and decomposed (Й as И with a breve) are one person.
    ("Йорданов Иван", "И\u0306орданов Иван"),
])
def test_one_person_however_the_name_is_typed(foundation, first, again):
    """"ACC PERSON FOUR" after "Acc Person Four" used to be a second trainee counting twice toward 299."""
    speech = discipline("speech_therapist")
    one = services.find_or_add_trainee(center=center("aktobe"), full_name=first, discipline=speech, actor=foundation)
    two = services.find_or_add_trainee(center=center("aktobe"), full_name=again, discipline=speech, actor=foundation)
    assert one.id == two.id and figures.progress(TODAY).staff == 1
