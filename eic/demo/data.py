"""A demo country: users for every role, rooms, and about 200 referrals in every status.

Surnames are made from words for "demo", "sample", "test" and "example" so that nobody mistakes a
demo child for a real one; IINs have valid check digits but are generated.
"""
import random
from datetime import date, timedelta

from sqlalchemy import func, select

from eic.accounts.models import User
from eic.accounts.services import create_user, hash_password
from eic.centers import queries as center_queries
from eic.centers.models import Room
from eic.centers.services import load_reference
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.extensions import db
from eic.intake import queries as intake_queries
from eic.intake import services as intake
from eic.referrals import services as referrals
from eic.referrals.status import DeclineReason, Status
from eic.referrals.validation import iin_check_digit

DEMO_PASSWORD = "demo-password-2026"
DOMAIN = "eic.demo"

SURNAMES = [("Демобаев", "Демобаева"), ("Үлгібаев", "Үлгібаева"), ("Сынақов", "Сынақова"),
            ("Мысалов", "Мысалова"), ("Примеров", "Примерова"), ("Тестов", "Тестова"),
            ("Макетов", "Макетова"), ("Шаблонов", "Шаблонова")]
BOYS = ["Әлихан", "Нұрсұлтан", "Ерасыл", "Мирас", "Алдияр", "Іскендер", "Артём", "Тимур", "Даниял", "Санжар"]
GIRLS = ["Айару", "Аружан", "Томирис", "Айша", "Інжу", "Әмина", "София", "Медина", "Жансая", "Алина"]
FATHERS = ["Асқар", "Бауыржан", "Ерлан", "Қайрат", "Сергей", "Дмитрий", "Нұрлан", "Руслан"]
MOTHERS = ["Гүлнар", "Әсел", "Динара", "Жанар", "Ольга", "Мадина", "Сәуле", "Елена"]
ROOMS = [("Кабинет 1", "therapy", 1), ("Кабинет 2", "therapy", 1), ("Кабинет 3", "therapy", 1),
         ("Сенсорная комната", "sensory", 3), ("Зал ЛФК", "gym", 6), ("Групповая", "group", 10)]


def demo_iin(born: date, sex: str, rng: random.Random) -> str:
    century = {18: 1, 19: 3, 20: 5}[born.year // 100] + (1 if sex == "F" else 0)
    while True:
        first11 = f"{born:%y%m%d}{century}{rng.randrange(10000):04d}"
        check = iin_check_digit(first11)
        if check is not None:
            return first11 + str(check)


def already_loaded() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(User)))


def relax_second_factor():
    """A demonstration is opened by people without the demo accounts' authenticator app: the second factor,
    required by default for coordinators, administrators, the ministry and the foundation, is made optional here
    (a setting row, as an administrator would write it). A real installation keeps the default."""
    from eic.accounts.settings import SECOND_FACTOR
    from eic.core.settings import Setting

    for definition in SECOND_FACTOR.values():
        db.session.merge(Setting(key=definition.key, value=0))


def load_demo(*, referrals_per_center=15, seed=2026, today: date | None = None) -> list[tuple[str, str, str]]:
    """Load everything; returns (role, e-mail, where) for the printed logins. Flushes, does not commit."""
    rng = random.Random(seed)
    today = today or almaty_today()
    load_reference()
    relax_second_factor()
    hashed = hash_password(DEMO_PASSWORD)
    logins = []

    def user(email, name, role, **kw):
        create_user(email=email, full_name=name, role=role, password=None, hashed_password=hashed, **kw)

    for role, name in ((Role.ADMIN, "Әкімші (демо)"), (Role.FOUNDATION, "Қор қызметкері (демо)"),
                       (Role.MINISTRY, "Министрлік маманы (демо)")):
        user(f"{role.value}@{DOMAIN}", name, role, languages="kk,ru,en")
        logins.append((role.value, f"{role.value}@{DOMAIN}", ""))
    disciplines = center_queries.disciplines()
    for center in center_queries.centers():
        for room_name, kind, capacity in ROOMS:
            db.session.add(Room(center=center, name=room_name, kind=kind, capacity=capacity))
        user(f"coordinator.{center.code}@{DOMAIN}", f"Координатор {center.city_ru} (демо)", Role.COORDINATOR,
             center=center, languages="kk,ru")
        logins.append(("coordinator", f"coordinator.{center.code}@{DOMAIN}", center.code))
        for discipline in disciplines:
            # Two speech therapists and physiotherapists per center, the second working in Russian only.
            pairs = ((1, "kk,ru"), (2, "ru")) if discipline.code in ("speech_therapist", "physiotherapist") \
                else ((1, "kk,ru"),)
            for n, langs in pairs:
                email = f"{discipline.code}{n}.{center.code}@{DOMAIN}"
                user(email, f"{discipline.name_ru} {n} (демо)", Role.SPECIALIST, center=center,
                     discipline=discipline, languages=langs)
        logins.append(("specialist", f"speech_therapist1.{center.code}@{DOMAIN}", center.code))
        for n in (1, 2):
            polyclinic = center_queries.polyclinic_by_name(f"Демо емхана №{n}, {center.city_kk}",
                                                           create_in=center.region)
            user(f"pediatrician{n}.{center.code}@{DOMAIN}", f"Педиатр {n} {center.city_ru} (демо)",
                 Role.PEDIATRICIAN, polyclinic=polyclinic, languages="kk,ru")
        logins.append(("pediatrician", f"pediatrician1.{center.code}@{DOMAIN}", center.code))
    db.session.flush()
    for center in center_queries.centers():
        pediatricians = db.session.scalars(select(User).where(
            User.role == Role.PEDIATRICIAN, User.email.like(f"pediatrician%.{center.code}@%"))).all()
        for i in range(referrals_per_center):
            _demo_case(center, rng.choice(pediatricians), i, rng, today)
    db.session.flush()
    _demo_therapy(today)
    _demo_home_visits(today)
    db.session.flush()
    from eic.rollout import demo as rollout_demo

    rollout_demo.load(today)
    db.session.flush()
    return logins + _demo_family(today)


def _demo_family(today) -> list[tuple[str, str, str]]:
    """The family side's demo; its caregiver's login line."""
    from eic.family import demo as family_demo

    phone = family_demo.load(today)
    return [("caregiver", phone, "the code comes by SMS (`make run`: in this terminal)")] if phone else []


def _demo_therapy(today):
    """A plan and a few weeks of sessions (some past, with attendance and notes) for each enrolled child."""
    from datetime import datetime, time, timezone

    from eic.referrals.models import Referral
    from eic.therapy import services
    from eic.therapy.services import plans

    enrolled = db.session.scalars(select(Referral).where(Referral.status == Status.ENROLLED)
                                  .order_by(Referral.id)).all()
    long_ago = datetime(2000, 1, 1, tzinfo=timezone.utc)
    for i, referral in enumerate(enrolled):
        team = intake_queries.team(referral.id)
        coordinator = db.session.scalar(select(User).where(
            User.email == f"coordinator.{referral.center.code}@{DOMAIN}"))
        lead = next((m for m in team if m.is_lead), team[0] if team else None)
        if lead is None:
            continue
        start = max(referral.enrolled_on, today - timedelta(days=21))
        plan = plans.create_plan(
            referral, starts_on=start, actor=coordinator, today=today, agreed_by="Анасы / мать", agreed_on=start,
            goals=[{"kind": "child", "domain": "communication", "description": "20 сөз айтады / говорит 20 слов",
                    "criterion": "Логопед санайды / подсчёт логопеда", "target_on": start + timedelta(days=120)},
                   {"kind": "family", "description": "Күн сайын кітап оқиды / читает книжку каждый день",
                    "criterion": "Отбасы күнделігі / дневник семьи", "target_on": start + timedelta(days=90)}],
            services=[{"kind": "therapy", "discipline_id": lead.discipline_id, "specialist_id": lead.specialist_id,
                       "frequency": 1, "per": "week", "minutes": 45, "setting": "center",
                       "setting_reason": "Сенсорлық жабдық / сенсорное оборудование",
                       "starts_on": start, "ends_on": start + timedelta(days=180)}])
        monday = today - timedelta(days=today.weekday() + 14)
        rooms = referral.center.rooms
        try:
            sessions = services.book_series(
                center=referral.center, specialist=lead.specialist, referral=referral, room=rooms[i % len(rooms)],
                start_on=monday + timedelta(days=i % 5), at=time(9 + (i // 5) % 8), minutes=45,
                weekdays=[(monday + timedelta(days=i % 5)).weekday()], count=6, plan_service=plan.services[0],
                actor=coordinator, now=long_ago)
        except services.BookingClash:
            continue
        now = datetime.now(timezone.utc)
        for n, session in enumerate(s for s in sessions if s.ends_at < now):
            services.record_attendance(session, attended=n % 4 != 3, reason="child_ill", actor=lead.specialist,
                                       now=now)
            if session.attendance == "attended":
                services.record_note(session, done="Демо: ойындар / игры", goal_ids=[plan.goals[0].id],
                                     actor=lead.specialist, now=session.ends_at + timedelta(hours=2))


def _demo_home_visits(today):
    """Home visits of the demo specialist (the first center's speech_therapist1) on the coming working days, so
    that "My week (offline)" has something to carry."""
    from datetime import time

    from eic.referrals.models import Referral
    from eic.therapy import services

    center = center_queries.centers()[0]
    specialist = db.session.scalar(select(User).where(User.email == f"speech_therapist1.{center.code}@{DOMAIN}"))
    coordinator = db.session.scalar(select(User).where(User.email == f"coordinator.{center.code}@{DOMAIN}"))
    enrolled = db.session.scalars(select(Referral).where(Referral.center_id == center.id,
                                                         Referral.status == Status.ENROLLED)
                                  .order_by(Referral.id.desc())).all()[:3]
    day = today
    for referral in enrolled:
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        try:
            services.book_series(center=center, specialist=specialist, referral=referral, setting="home",
                                 address=referral.child.address or "Демо көшесі, 1", start_on=day, at=time(16),
                                 minutes=45, count=1, actor=coordinator)
        except services.BookingClash:
            continue


OUTCOMES = ["submitted", "submitted", "accepted", "contacted", "assessed", "waitlisted", "enrolled", "enrolled",
            "enrolled", "enrolled", "declined", "redirected", "withdrawn", "closed", "enrolled"]


# Past flake8's complexity limit on purpose: one demo story, step by step.
def _demo_case(center, pediatrician, i, rng, today):  # noqa: C901
    sex = rng.choice("FM")
    referred = today - timedelta(days=rng.randrange(3, 150))
    born = referred - timedelta(days=rng.randrange(40, 3 * 365 - 30))
    surname = rng.choice(SURNAMES)[0 if sex == "M" else 1]
    ga = rng.choice([None, 39, 40, 38, 36, 34, 31, 28])
    payload = {
        "child": {"iin": demo_iin(born, sex, rng), "last_name": surname,
                  "first_name": rng.choice(BOYS if sex == "M" else GIRLS),
                  "patronymic": "", "birth_date": born.isoformat(), "sex": sex,
                  "gestational_age_weeks": ga, "birth_weight_g": None if ga is None else 900 + (ga - 24) * 160,
                  "address": f"Демо көшесі, {rng.randrange(1, 200)}, {center.city_kk}", "district": "Демо ауданы"},
        "caregiver": {"full_name": f"{rng.choice(MOTHERS)} {surname}а" if surname.endswith("в") else
                      f"{rng.choice(MOTHERS)} {surname}", "relation": "mother",
                      "phone": f"+7700{rng.randrange(10**7):07d}",
                      "preferred_language": rng.choice(["kk", "kk", "ru"])},
        "center_code": center.code,
        "icd10_codes": rng.choice([["P07.3"], ["G80.1"], ["Q90.0"], ["F84.0"], ["F80.1"], [], ["P91.1", "R62.0"]]),
        "risk_factors": rng.choice([["preterm_32_36w"], ["nicu_stay"], [], ["social_risk"], ["cns_damage"]]),
        "notes": "Демо жолдама / демо-направление",
        "consent": {"given_by": "Анасы / мать (демо)", "given_on": referred.isoformat(), "sms": True,
                    "statistics": True},
    }
    if not payload["icd10_codes"] and not payload["risk_factors"]:
        payload["risk_factors"] = ["developmental_delay_screen"]
    referral = referrals.submit_referral(payload, actor=pediatrician, today=referred)
    outcome = OUTCOMES[i % len(OUTCOMES)]
    coordinator = db.session.scalar(select(User).where(User.email == f"coordinator.{center.code}@{DOMAIN}"))
    step = referred

    def later(lo, hi):
        nonlocal step
        step = min(step + timedelta(days=rng.randrange(lo, hi)), today)
        return step

    if outcome == "submitted":
        return
    if outcome in ("declined", "redirected", "withdrawn"):
        if outcome == "declined":
            referrals.transition(referral, to=Status.DECLINED, actor=coordinator, today=later(1, 4),
                                 reason="Демо: бала 3 жастан асқан / ребёнку больше 3 лет",
                                 reason_code=DeclineReason.NOT_ELIGIBLE_AGE.value)
        elif outcome == "redirected":
            other = rng.choice([c for c in center_queries.centers() if c.id != center.id])
            referrals.transition(referral, to=Status.REDIRECTED, actor=coordinator, today=later(1, 4),
                                 center_code=other.code, reason="Демо: отбасы көшті / семья переехала")
        else:
            referrals.transition(referral, to=Status.WITHDRAWN, actor=pediatrician, today=later(1, 4),
                                 reason="Демо: отбасы бас тартты / семья отказалась")
        return
    referrals.transition(referral, to=Status.ACCEPTED, actor=coordinator, today=later(1, 3))
    if outcome == "accepted":
        return
    intake.record_contact(referral, contacted_on=later(1, 5), method=rng.choice(["phone", "visit"]),
                          person_reached="Анасы / мать", notes="", actor=coordinator, today=today)
    if outcome == "contacted":
        return
    level = lambda: rng.choice([0, 1, 1, 2, 3])  # noqa: E731
    intake.record_assessment(
        referral, assessed_on=later(3, 14), actor=coordinator, today=today,
        levels={"motor": level(), "communication": level(), "cognitive": level(), "social_emotional": level(),
                "adaptive": level()},
        needs=set(rng.sample(["social", "economic", "legal"], rng.randrange(0, 2))),
        phq4=[rng.randrange(0, 4) for _ in range(4)], urgency=rng.randrange(1, 4), complexity=rng.randrange(1, 4),
        severity=rng.randrange(1, 4),
        screenings=[{"instrument": "ASQ-3", "taken_on": referred, "score": str(rng.randrange(10, 60)),
                     "band": "шекті мәннен төмен"}])
    if outcome == "assessed":
        return
    assessment = intake_queries.latest_assessment(referral.id)
    proposals = [p for p in intake.propose_team(referral, assessment) if p.is_needed and p.specialist]
    if outcome == "waitlisted" or not proposals:
        intake.put_on_waitlist(referral, discipline_ids=[p.discipline.id for p in proposals[:1]],
                               reason="Демо: логопедте орын жоқ / нет мест у логопеда", actor=coordinator,
                               today=later(1, 5))
        return
    intake.assign_team(referral, members={p.discipline.id: p.specialist.id for p in proposals},
                       lead_discipline_id=proposals[0].discipline.id, actor=coordinator, today=later(1, 10))
    if outcome == "closed":
        referrals.transition(referral, to=Status.CLOSED, actor=coordinator, today=later(20, 60),
                             reason="Демо: мақсаттарға жетті / цели достигнуты")
