"""Demo data for the family's side, made through the services: the support directory of every region, a caregivers'
peer group at each center, and one demo family (the phone ``DEMO_PHONE``) with home practice to tick; other
families' check-ins, surveys and requests give the coordinator's page and the figures something to show."""
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from eic.accounts.models import User
from eic.centers import queries as center_queries
from eic.core.roles import Role
from eic.core.timeutil import utc_now
from eic.extensions import db
from eic.referrals.models import Referral
from eic.referrals.status import Status

DEMO_PHONE = "+77010000001"
DOMAIN = "eic.demo"

# (category, names kk/ru/en, offers kk/ru/en, contacts, hours, languages); {city} is the region's center city.
DIRECTORY = (
    ("hotline", ("111: отбасы және балалар құқықтары жөніндегі байланыс орталығы",
                 "111: контакт-центр по вопросам семьи и защиты прав детей",
                 "111: contact center for families and children's rights"),
     ("Отбасы, әйелдер мен балалардың құқықтары туралы тегін кеңес, тәулік бойы.",
      "Бесплатная консультация по правам семьи, женщин и детей, круглосуточно.",
      "Free advice on the rights of families, women and children, day and night."), "111", "24/7", "kk,ru"),
    ("hotline", ("150: балалар мен жастарға арналған сенім телефоны", "150: телефон доверия для детей и молодёжи",
                 "150: helpline for children and young people"),
     ("Психологтың тегін және жасырын көмегі.", "Бесплатная анонимная помощь психолога.",
      "Free, anonymous help from a psychologist."), "150", "24/7", "kk,ru"),
    ("benefits", ("Мүгедектігі бар балаға жәрдемақы (электрондық үкімет, 1414)",
                  "Пособие на ребёнка с инвалидностью (электронное правительство, 1414)",
                  "Allowance for a child with a disability (eGov, 1414)"),
     ("Жәрдемақыны және күтім жасайтын ата-анаға төлемді ресімдеу туралы кеңес.",
      "Консультация об оформлении пособия и выплаты родителю, осуществляющему уход.",
      "Advice on applying for the allowance and the carer's payment."), "1414\negov.kz", "09:00–18:00",
     "kk,ru"),
    ("pmpk", ("ПМПК, {city_kk} (демо)", "ПМПК, {city_ru} (демо)", "PMPK, {city_en} (demo)"),
     ("Баланың дамуын бағалау және білім беру бағдарламасы бойынша ұсыным.",
      "Обследование развития ребёнка и рекомендации по образовательной программе.",
      "Assessment of the child's development and advice on the educational programme."),
     "+7 700 000 10 10 (демо)", "Дс–Жм 09:00–17:00", "kk,ru"),
    ("legal", ("Тегін заң көмегі, {city_kk} адвокаттар алқасы (демо)",
               "Бесплатная юридическая помощь, коллегия адвокатов {city_ru} (демо)",
               "Free legal help, {city_en} bar association (demo)"),
     ("Мүгедектік, жәрдемақы және білім алу құқығы бойынша кеңес.",
      "Консультации по инвалидности, пособиям и праву на образование.",
      "Advice on disability status, allowances and the right to education."), "+7 700 000 20 20 (демо)",
     "Сс 10:00–13:00", "kk,ru"),
    ("ngo", ("«Ерекше бала» ата-аналар қауымдастығы (демо)", "Ассоциация родителей «Особый ребёнок» (демо)",
             "\"Special child\" parents' association (demo)"),
     ("Ата-аналардың бір-біріне көмегі, кездесулер, құқықтар туралы ақпарат.",
      "Взаимопомощь родителей, встречи, информация о правах.",
      "Parents helping parents, meetings, information on rights."), "+7 700 000 30 30 (демо)", "", "kk,ru"),
    ("respite", ("Қысқа мерзімді күтім қызметі (демо)", "Услуга кратковременного ухода (демо)",
                 "Short-term respite care (demo)"),
     ("Ата-ана демалып алуы үшін баланы бірнеше сағатқа күтім.",
      "Уход за ребёнком на несколько часов, чтобы родитель мог отдохнуть.",
      "A few hours of care for the child so that the parent can rest."), "+7 700 000 40 40 (демо)",
     "Дс–Жм 09:00–18:00", "ru"),
    ("kindergarten", ("№ 12 балабақша, инклюзивті топ (демо)", "Детский сад № 12, инклюзивная группа (демо)",
                      "Kindergarten No. 12, inclusive group (demo)"),
     ("Ерекше білім беру қажеттілігі бар балаларға арналған топ, логопед және психолог.",
      "Группа для детей с особыми образовательными потребностями, логопед и психолог.",
      "A group for children with special educational needs, with a speech therapist and a psychologist."),
     "+7 700 000 50 50 (демо)", "07:30–18:30", "kk,ru"),
)
FAMILY_PLAN = ("Күн сайын 10 минут суреттер бойынша сөйлесіңіз / Каждый день 10 минут говорите по картинкам")


def load(today) -> str:
    """Load the family side's demo; returns the demo family's phone."""
    from eic.support import services as support

    foundation = db.session.scalar(select(User).where(User.role == Role.FOUNDATION))
    for n, region in enumerate(sorted({c.region for c in center_queries.centers()}, key=lambda r: r.id)):
        city = next(c for c in center_queries.centers() if c.region_id == region.id)
        for k, (category, names, offers, contacts, hours, languages) in enumerate(DIRECTORY):
            data = {"category": category, "region_id": region.id, "contacts": contacts, "hours": hours,
                    "languages": languages.split(","),
                    # One entry per region is past its six-month check, for the reminder.
                    "checked_on": today - timedelta(days=200 if k == 3 else 20 + n + k)}
            for lang, name, offer in zip(("kk", "ru", "en"), names, offers):
                data[f"name_{lang}"] = name.format(city_kk=city.city_kk, city_ru=city.city_ru, city_en=city.city_en)
                data[f"offer_{lang}"] = offer
            data["audience_ru"] = "Семьи детей до 3 лет"
            data["audience_kk"] = "3 жасқа дейінгі балалары бар отбасылар"
            data["audience_en"] = "Families of children under 3"
            support.save(foundation, data, today=today)
    db.session.flush()
    _peer_groups(today)
    return _demo_family(today)


def _coordinator(center):
    return db.session.scalar(select(User).where(User.email == f"coordinator.{center.code}@{DOMAIN}"))


def _peer_groups(today):
    """A weekly caregivers' group led by each center's psychologist, Thursdays at 17:00 for six weeks."""
    from eic.therapy import services

    long_ago = datetime(2000, 1, 1, tzinfo=timezone.utc)
    for center in center_queries.centers():
        psychologist = db.session.scalar(select(User).where(
            User.center_id == center.id, User.role == Role.SPECIALIST, User.email.like("psychologist1.%")))
        room = next((r for r in center.rooms if r.capacity and r.capacity >= 6), None)
        if psychologist is None or room is None:
            continue
        thursday = today + timedelta(days=(3 - today.weekday()) % 7 or 7)
        booking = dict(center=center, specialist=psychologist, referral=None, room=room, start_on=thursday,
                       at=time(17), minutes=60, weekdays=[3], count=6, capacity=8, audience="caregiver",
                       actor=_coordinator(center), now=long_ago)
        try:
            services.book_series(**booking)
        except services.BookingClash as exc:  # a public holiday among the Thursdays: without it
            try:
                services.book_series(**booking, skip_dates=[c.occurrence.day for c in exc.clashes])
            except services.BookingClash:
                continue


def _demo_family(today) -> str:
    """The first center's first enrolled child's caregiver gets ``DEMO_PHONE``; past notes get a plan for the family.
    Other enrolled families of that center answer a check-in (one asks for support), a survey, ask to join the
    group and are recommended an entry."""
    from eic.support import services as support
    from eic.therapy.models import TherapySession

    from . import groups, surveys, wellbeing
    from .access import _account_for

    center = center_queries.centers()[0]
    enrolled = db.session.scalars(select(Referral).where(Referral.center_id == center.id,
                                                         Referral.status == Status.ENROLLED)
                                  .order_by(Referral.id)).all()
    if not enrolled:
        return ""
    ours = enrolled[0]
    ours.caregiver.phone = DEMO_PHONE
    for session in db.session.scalars(select(TherapySession).where(TherapySession.referral_id == ours.id,
                                                                   TherapySession.attendance == "attended")):
        session.note_family_plan = FAMILY_PLAN
    db.session.flush()
    coordinator = _coordinator(center)
    entries = support.for_region(center.region_id)
    now = utc_now()
    for n, referral in enumerate(enrolled):
        if n < len(entries):
            support.recommend(referral, entries[(n * 3) % len(entries)].id, actor=coordinator)
        if n == 0:
            continue
        referral.caregiver.phone = f"+7701001{n:04d}"
        db.session.flush()
        user = _account_for(referral.caregiver.phone)
        wellbeing.record(user, [2, 2, 1, 2] if n == 1 else [1, 0, 1, 0], now=now - timedelta(days=n))
        outcomes = ("knows_rights", "communicates_needs", "helps_learn")
        answers = {name: 5 + (n + k) % 3 for k, name in enumerate(outcomes)}
        answers |= {"satisfied": 4 + n % 2, "respected": 5}
        db.session.add(surveys.FamilySurvey(referral_id=referral.id, user_id=user.id, occasion="six_months",
                                            created_at=now - timedelta(days=n), **answers))
        if n == 2:
            coming = groups.groups_for(user)
            if coming:
                groups.ask(user, coming[0][0].id)
    db.session.flush()
    return DEMO_PHONE
