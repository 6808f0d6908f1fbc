from datetime import date

import factory

from eic.rollout.models import (AllocationLine, AllocationStep, Cohort, Course, Enrolment, EquipmentItem, LineIssue,
                                ProgrammeBudget, Trainee, TrainingDay, Visit, VisitAction)

from .base import Factory
from .centers import CenterFactory, DisciplineFactory


class EquipmentItemFactory(Factory):
    class Meta:
        model = EquipmentItem

    code = factory.Sequence(lambda n: f"ITEM-{n:04d}")
    name_kk = factory.Sequence(lambda n: f"Жабдық {n}")
    name_ru = factory.Sequence(lambda n: f"Оборудование {n}")
    name_en = factory.Sequence(lambda n: f"Equipment {n}")
    category = "rehabilitation"
    unit_price = 1_000_000


class AllocationLineFactory(Factory):
    class Meta:
        model = AllocationLine

    center_id = factory.LazyFunction(lambda: CenterFactory().id)
    item = factory.SubFactory(EquipmentItemFactory)
    programme_year = 2022
    quantity = 1
    unit_price = factory.SelfAttribute("item.unit_price")
    source = "samruk_kazyna"
    stage = "planned"


class AllocationStepFactory(Factory):
    class Meta:
        model = AllocationStep

    line_id = factory.LazyFunction(lambda: AllocationLineFactory().id)
    stage = "ordered"
    on = date(2022, 6, 1)
    document = "contract 1"


class LineIssueFactory(Factory):
    class Meta:
        model = LineIssue

    line_id = factory.LazyFunction(lambda: AllocationLineFactory(stage="delivered").id)
    kind = "defect"
    reported_on = date(2022, 9, 1)
    description = "Scratched"


class ProgrammeBudgetFactory(Factory):
    class Meta:
        model = ProgrammeBudget

    year = factory.Sequence(lambda n: 2030 + n)
    source = "samruk_kazyna"
    amount = 100_000_000


class CourseFactory(Factory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"COURSE-{n}")
    title = factory.Sequence(lambda n: f"Early intervention course {n}")
    hours = 72
    mode = "in_person"
    counts_toward_target = True


class CohortFactory(Factory):
    class Meta:
        model = Cohort

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    starts_on = date(2022, 4, 4)
    ends_on = date(2022, 4, 15)


class TraineeFactory(Factory):
    class Meta:
        model = Trainee

    center_id = factory.LazyFunction(lambda: CenterFactory().id)
    full_name = factory.Sequence(lambda n: f"Trainee {n}")
    discipline_id = factory.LazyFunction(lambda: DisciplineFactory().id)


class EnrolmentFactory(Factory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    trainee = factory.SubFactory(TraineeFactory)
    status = "enrolled"


class TrainingDayFactory(Factory):
    class Meta:
        model = TrainingDay

    enrolment_id = factory.LazyFunction(lambda: EnrolmentFactory().id)
    on = date(2022, 4, 4)
    present = True


class VisitFactory(Factory):
    class Meta:
        model = Visit

    center_id = factory.LazyFunction(lambda: CenterFactory().id)
    kind = "mentoring"
    visited_on = date(2022, 10, 3)
    mentor = "Mentor"
    scores = factory.LazyFunction(dict)


class VisitActionFactory(Factory):
    class Meta:
        model = VisitAction

    visit = factory.SubFactory(VisitFactory)
    description = "Write the plans with the families"
    owner = "Coordinator"
    due_on = date(2022, 11, 1)
