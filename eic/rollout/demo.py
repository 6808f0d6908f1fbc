"""Demo rollout data, made through the services: a catalogue, allocation lines at every stage, the core course
with two cohorts and each center's specialists enrolled, and mentoring visits with actions.

Every date is counted back from ``today`` so that the pages show a live programme whatever the day the demo is
loaded (this year's budget, deliveries a few weeks late at most, cohorts of this year)."""
from datetime import date, timedelta

from sqlalchemy import select

from eic.accounts.models import User
from eic.centers import queries as center_queries
from eic.core.roles import Role
from eic.extensions import db

from . import services

CATALOGUE = (
    ("REH-001", "Тренажёр Гросса", "Тренажёр Гросса", "Gross trainer", "rehabilitation", 1_850_000),
    ("REH-002", "Вертикализатор", "Вертикализатор", "Standing frame", "rehabilitation", 2_400_000),
    ("DIA-001", "Бэйли-III жинағы", "Набор Bayley-III", "Bayley-III kit", "diagnostic", 3_150_000),
    ("SEN-001", "Сенсорлық бөлме жабдығы", "Оборудование сенсорной комнаты", "Sensory room set", "sensory",
     6_900_000),
    ("THR-001", "Логопедтің жинағы", "Набор логопеда", "Speech therapy kit", "therapy_room", 420_000),
    ("FUR-001", "Балалар үстелі мен орындықтары", "Детские столы и стулья", "Children's tables and chairs",
     "furniture", 180_000),
    ("IT-001", "Ноутбук", "Ноутбук", "Laptop", "it", 450_000),
)
STAGE_PLAN = ("commissioned", "commissioned", "installed", "delivered", "ordered", "planned", "commissioned")


def load(today: date) -> None:
    foundation = db.session.scalar(select(User).where(User.role == Role.FOUNDATION))
    items = [services.create_item(code=c, name_kk=kk, name_ru=ru, name_en=en, category=cat, unit_price=price,
                                  manufacturer="Демо", actor=foundation) for c, kk, ru, en, cat, price in CATALOGUE]
    days = {"ordered": today - timedelta(days=150), "delivered": today - timedelta(days=90),
            "installed": today - timedelta(days=75), "commissioned": today - timedelta(days=60)}
    planned_on, year = today - timedelta(days=170), today.year
    for n, center in enumerate(center_queries.centers()):
        for k, item in enumerate(items):
            due = today + timedelta(days=30) if (n + k) % 5 else today - timedelta(days=20)
            line = services.plan_line(center=center, item=item, programme_year=year, quantity=1 + (k % 3),
                                      source="samruk_kazyna" if k % 4 else "kamkorlyk", actor=foundation,
                                      expected_delivery_on=due, today=planned_on)
            target = STAGE_PLAN[(n + k) % len(STAGE_PLAN)] if n % 4 else "commissioned"
            for stage in ("ordered", "delivered", "installed", "commissioned"):
                if services.STAGES.index(stage) > services.STAGES.index(target):
                    break
                services.advance(line, to_stage=stage, on=days[stage], document=f"{stage[:2].upper()}-{n}-{k}",
                                 actor=foundation, today=today)
    core = services.create_course(code="EI-CORE", title="Ерте араласу: пәнаралық команда / Ранее вмешательство",
                                  provider="«Қамқорлық» қоры", hours=144, mode="blended", refresher_months=60,
                                  actor=foundation)
    services.create_course(code="FAM-COACH", title="Отбасын коучинг / Коучинг семьи", provider="«Қамқорлық» қоры",
                           hours=36, mode="online", counts_toward_target=False,
                           required_for="speech_therapist,psychologist,special_educator", actor=foundation)
    first, second = today - timedelta(days=240), today - timedelta(days=110)
    spring = services.create_cohort(course=core, name=f"{first:%Y-%m} Астана", starts_on=first,
                                    ends_on=first + timedelta(days=53), location="Астана", actor=foundation)
    autumn = services.create_cohort(course=core, name=f"{second:%Y-%m} Алматы", starts_on=second,
                                    ends_on=second + timedelta(days=53), location="Алматы", actor=foundation)
    for n, center in enumerate(center_queries.centers()):
        staff = db.session.scalars(select(User).where(User.center_id == center.id, User.role == Role.SPECIALIST)
                                   .order_by(User.id)).all()
        for k, person in enumerate(staff):
            trainee = services.find_or_add_trainee(center=center, full_name=person.full_name,
                                                   discipline=person.discipline, email=person.email,
                                                   actor=foundation)
            cohort = spring if k % 2 == 0 else autumn
            enrolment = services.enrol(cohort=cohort, trainee=trainee, actor=foundation)
            for day in range(3):
                services.record_day(enrolment, on=cohort.starts_on + timedelta(days=day), present=(k + day) % 5 != 0,
                                    actor=foundation, today=today)
            if (n + k) % 4:
                services.complete(enrolment, completed_on=cohort.ends_on, certificate_number=f"KMK-{n:02d}{k:02d}",
                                  actor=foundation, today=today)
        if n % 3 == 0:
            services.record_visit(
                center=center, kind="mentoring" if n % 2 else "quality", visited_on=today - timedelta(days=45),
                mentor="Ментор (демо)",
                scores={"referral_pathway": 3, "individual_plans": 2, "family_centred": 1, "equipment_use": 2},
                # What a mentor writes is kept as written: here, in Kazakh.
                findings="Мақсаттар балаға жазылған, отбасы мақсаттары жоқ.",
                actions=[{"description": "Әр жоспарға отбасы мақсаттарын қосу", "owner": "Үйлестіруші",
                          "due_on": today - timedelta(days=10)},
                         {"description": "Команданы күн тәртібіне негізделген сұхбатқа үйрету", "owner": "Психолог",
                          "due_on": today + timedelta(days=30)}],
                actor=foundation, today=today)
