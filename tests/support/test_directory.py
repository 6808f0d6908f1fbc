"""The support directory: who keeps which entries, what an entry must say, the six-month check, what a family finds,
recommendations on a case, the leaflet, and the families' figures with small counts suppressed."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from eic.core.errors import Conflict, NotFound, ValidationFailed
from eic.core.roles import Role
from eic.core.timeutil import almaty_today
from eic.extensions import db
from eic.family import access, figures
from eic.referrals.status import Status
from eic.support import phone_links, services
from eic.support.models import DirectoryVisit, SupportEntry
from tests.factories.accounts import user_for_role
from tests.factories.centers import center
from tests.factories.family import FamilySurveyFactory
from tests.factories.referrals import ReferralFactory
from tests.factories.support import SupportEntryFactory

TODAY = date(2026, 12, 7)


def entry_data(**changes):
    data = {"category": "legal", "region_id": center("shymkent").region_id, "name_kk": "Заң көмегі",
            "name_ru": "Юридическая помощь", "name_en": "", "offer_kk": "Тегін кеңес", "offer_ru": "Бесплатно",
            "offer_en": "", "audience_kk": "", "audience_ru": "", "audience_en": "", "contacts": "+7 700 000 20 20",
            "hours": "", "languages": ["kk", "ru", "xx"], "checked_on": TODAY}
    return data | changes


def test_a_coordinator_keeps_entries_of_their_own_region_only(session):
    coordinator = user_for_role(Role.COORDINATOR, center_code="aktobe")
    entry = services.save(coordinator, entry_data(), today=TODAY)  # asks for Shymkent's region: kept in Aktobe's
    assert entry.region_id == center("aktobe").region_id and entry.languages == "kk,ru"
    theirs = SupportEntryFactory(region_id=center("shymkent").region_id)
    with pytest.raises(NotFound):
        services.save(coordinator, entry_data(), entry=theirs, today=TODAY)
    with pytest.raises(NotFound):
        services.mark_checked(coordinator, theirs.id)
    foundation = user_for_role(Role.FOUNDATION)
    assert services.save(foundation, entry_data(), today=TODAY).region_id == center("shymkent").region_id
    assert services.can_edit(foundation, theirs)


def test_an_entry_without_names_contacts_or_with_a_future_date_is_refused_whole(session):
    foundation = user_for_role(Role.FOUNDATION)
    with pytest.raises(ValidationFailed) as refused:
        services.save(foundation, entry_data(name_kk="", name_ru=" ", offer_kk="", offer_ru="", contacts="",
                                             category="casino", region_id=0, checked_on=TODAY + timedelta(days=1),
                                             hours="x" * 201), today=TODAY)
    assert set(refused.value.fields) == {"name_kk", "offer_kk", "contacts", "category", "region_id", "checked_on",
                                         "hours"}
    assert db.session.scalar(select(func.count()).select_from(SupportEntry)) == 0


def test_entries_older_than_six_months_are_due_a_check(session):
    coordinator = user_for_role(Role.COORDINATOR, center_code="aktobe")
    old = SupportEntryFactory(checked_on=TODAY - timedelta(days=200))
    SupportEntryFactory(checked_on=TODAY - timedelta(days=20))
    SupportEntryFactory(checked_on=TODAY - timedelta(days=300), region_id=center("shymkent").region_id)
    assert services.stale_count(coordinator, today=TODAY) == 1
    assert services.is_stale(old, TODAY)
    services.mark_checked(coordinator, old.id, today=TODAY)
    assert services.stale_count(coordinator, today=TODAY) == 0


def test_families_find_entries_of_their_region_in_any_language_and_hidden_ones_never(session):
    region = center("aktobe").region_id
    lawyers = SupportEntryFactory(region_id=region, category="legal", name_ru="Бесплатный адвокат",
                                  name_kk="Тегін адвокат", offer_en="Free lawyer")
    SupportEntryFactory(region_id=region, category="ngo", is_active=False, name_ru="Скрытая адвокатура")
    SupportEntryFactory(region_id=center("shymkent").region_id, name_ru="Адвокат в Шымкенте")
    assert services.for_region(region, query="АДВОКАТ") == [lawyers]
    assert services.for_region(region, query="тегін") == [lawyers]
    assert services.for_region(region, query="lawyer", category="legal") == [lawyers]
    assert services.for_region(region, query="lawyer", category="ngo") == []
    assert services.for_region(region, query="100%_") == []


def test_a_recommendation_is_of_the_childs_region_and_made_once(session):
    referral = ReferralFactory(center=center("aktobe"), status=Status.ENROLLED)
    coordinator = user_for_role(Role.COORDINATOR, center_code="aktobe")
    ours = SupportEntryFactory(region_id=referral.center.region_id)
    theirs = SupportEntryFactory(region_id=center("shymkent").region_id)
    with pytest.raises(NotFound):
        services.recommend(referral, theirs.id, actor=coordinator)
    services.recommend(referral, ours.id, actor=coordinator)
    with pytest.raises(Conflict):
        services.recommend(referral, ours.id, actor=coordinator)
    assert [r.entry_id for r in services.recommended_for([referral.id])[referral.id]] == [ours.id]


def test_the_family_opens_the_directory_in_their_language_and_it_is_counted(client, session, login_as):
    referral = ReferralFactory(center=center("aktobe"), status=Status.ENROLLED)
    referral.caregiver.phone = "+77015550301"
    SupportEntryFactory(region_id=referral.center.region_id, name_kk="Ата-аналар қауымдастығы",
                        name_ru="Ассоциация родителей", contacts="Тел. 8 701 111 22 33")
    db.session.commit()
    user = access._account_for("+77015550301")
    user.locale = "kk"
    login_as(user)
    page = client.get("/family/support?q=ата").get_data(as_text=True)
    assert "Ата-аналар қауымдастығы" in page and "Ассоциация родителей" not in page
    assert 'href="tel:87011112233"' in page
    assert db.session.get(DirectoryVisit, user.id) is not None
    row = figures.of_center(referral.center_id, start=datetime(2000, 1, 1, tzinfo=timezone.utc),
                            end=datetime(2100, 1, 1, tzinfo=timezone.utc))
    assert row.enrolled == 1 and row.use["opened"] == 1


def test_the_leaflet_is_one_page_per_region_in_the_language_asked(client, session, login_as):
    SupportEntryFactory(region_id=center("aktobe").region_id, name_kk="Қамқор", name_ru="Забота", category="respite")
    login_as(Role.COORDINATOR, center_code="aktobe")
    kk = client.get("/support/leaflet?lang=kk").get_data(as_text=True)
    assert "Қамқор" in kk and "Қысқа мерзімді күтім" in kk
    ru = client.get("/support/leaflet?lang=ru").get_data(as_text=True)
    assert "Забота" in ru and "Кратковременный уход" in ru
    assert client.get("/support/leaflet?lang=xx").status_code == 404


def test_phone_numbers_in_contacts_become_links_and_nothing_else_does():
    html = str(phone_links("Тел: +7 (7172) 74-30-09, 111 <b>\nул. Абая 250, 2024 ж."))
    assert 'href="tel:+77172743009"' in html and 'href="tel:111"' in html
    assert "&lt;b&gt;" in html and "<br>" in html
    assert "tel:2024" not in html and "tel:250" not in html


# The families' figures for the ministry -----------------------------------------------------------------------

def answered(code, n, *, agree):
    for i in range(n):
        referral = ReferralFactory(center=center(code), status=Status.ENROLLED)
        FamilySurveyFactory(referral_id=referral.id, knows_rights=7 if i < agree else 3)


def test_small_counts_are_hidden_and_cannot_be_worked_back_from_the_country(session):
    answered("aktobe", 12, agree=6)     # 6 agree, 6 do not: shown
    answered("almaty", 10, agree=5)     # 5 and 5: shown unless needed to protect another
    answered("shymkent", 3, agree=3)    # 3 families: hidden
    db.session.commit()
    start, end = datetime(2000, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc)
    rows, total = figures.by_region(start=start, end=end)
    by_region = {r.key: r for r in rows}
    aktobe = by_region[center("aktobe").region.iso_code]
    almaty = by_region[center("almaty").region.iso_code]
    shymkent = by_region[center("shymkent").region.iso_code]
    assert aktobe.survey_share("knows_rights") == 50 and aktobe.count("answered") == 12
    assert shymkent.survey_share("knows_rights") is None and shymkent.count("answered") is None
    # Shymkent's 3 would be the country's figure less the others: one more figure is hidden to keep it so.
    assert almaty.survey_share("knows_rights") is None or total.survey_share("knows_rights") is None
    assert total.answered == 25


def test_the_ministry_page_shows_the_families_section_with_the_hidden_mark(client, session, login_as):
    answered("aktobe", 3, agree=1)
    db.session.commit()
    login_as(Role.MINISTRY)
    page = client.get(f"/coverage/?year={almaty_today().year}", headers={"Accept-Language": "ru"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="family-figures"' in html


def test_the_weekly_reminder_tells_each_editor_once_about_their_entries_due_a_check(client, session, login_as):
    from eic.jobs.scheduler import collect_jobs, run_job
    from eic.notifications.models import Notification

    coordinator = user_for_role(Role.COORDINATOR, center_code="aktobe")
    elsewhere = user_for_role(Role.COORDINATOR, center_code="shymkent")
    foundation = user_for_role(Role.FOUNDATION)
    SupportEntryFactory(checked_on=almaty_today() - timedelta(days=400))  # Aktobe's region
    db.session.commit()
    job = next(j for j in collect_jobs() if j.id == "support.check_reminder")
    run_job(job)
    run_job(job)  # the same week: nobody is told twice
    told = db.session.scalars(select(Notification).where(Notification.kind == "support_check")).all()
    assert sorted(n.user_id for n in told) == sorted([coordinator.id, foundation.id])
    assert elsewhere.id not in {n.user_id for n in told}
    login_as(coordinator)
    page = client.get("/notifications", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "/support/?to_check=1" in page and "Записи справочника поддержки" in page
