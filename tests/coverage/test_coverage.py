from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from eic.core.roles import Role
from eic.coverage import figures
from eic.coverage.disclosure import HIDDEN
from eic.coverage.published import publish
from eic.referrals.status import Status
from tests.factories.centers import center
from tests.factories.referrals import ChildFactory, ReferralFactory, StatusChangeFactory

YEAR = 2026


def make(center_code, n, **kw):
    rows = []
    for _ in range(n):
        child = ChildFactory(last_name="Жекеқұпия", first_name="Атаулы")
        rows.append(ReferralFactory(center=center(center_code), child=child, referred_on=date(YEAR, 3, 5), **kw))
    return rows


def test_counts_per_center_region_and_nation(ctx):
    enrolled = make("aktobe", 6, status=Status.ENROLLED, enrolled_on=date(YEAR, 4, 1))
    for r in enrolled:
        StatusChangeFactory(referral=r, from_status=Status.SUBMITTED, to_status=Status.ACCEPTED)
    declined = make("oral", 2, status=Status.DECLINED, is_open=False)
    for r in declined:
        StatusChangeFactory(referral=r, from_status=Status.SUBMITTED, to_status=Status.DECLINED,
                            reason_code="not_eligible_age")
    original = make("atyrau", 1, status=Status.REDIRECTED, is_open=False)[0]
    StatusChangeFactory(referral=original, from_status=Status.SUBMITTED, to_status=Status.REDIRECTED)
    ReferralFactory(center=center("aral"), child=original.child, referred_on=original.referred_on,
                    redirected_from_id=original.id)
    data = figures.coverage(first=date(YEAR, 1, 1), last=date(YEAR, 12, 31))
    rows = {c.key: c for c in data["centers"]}
    assert (rows["aktobe"].referrals, rows["aktobe"].accepted, rows["aktobe"].enrolled) == (6, 6, 6)
    assert rows["oral"].declined_by_reason == {"not_eligible_age": 2}
    # The redirected referral counts once, where it was first received, with its original date.
    assert rows["atyrau"].referrals == 1 and rows["aral"].referrals == 0 and rows["atyrau"].redirected == 1
    assert data["national"].referrals == 9
    public = publish(YEAR, 1, 3, today=date(YEAR, 12, 1))
    row = public.row(next(c for c in public.data["centers"] if c.key == "oral"))
    assert row["declined"] == "x" and row["declined_by_reason"] == {"not_eligible_age": "x"}


def test_no_personal_data_and_small_counts_hidden_on_every_output(client, api, login_as, session):
    make("oral", 2, status=Status.ENROLLED, enrolled_on=date(YEAR, 4, 1))
    iins = [r.child.iin for r in make("aktobe", 6, status=Status.ENROLLED, enrolled_on=date(YEAR, 4, 1))]
    ministry = login_as(Role.MINISTRY)
    page = client.get(f"/coverage/?year={YEAR}", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    api.as_user(ministry)
    body = api.get(f"/api/v1/coverage?year={YEAR}").get_data(as_text=True)
    book = load_workbook(BytesIO(client.get(f"/coverage/export.xlsx?year={YEAR}").data))
    cells = "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
    assert len(book.sheetnames) == 5
    for text in (page, body, cells):
        assert "Жекеқұпия" not in text and "Атаулы" not in text
        assert not any(iin in text for iin in iins)
        assert HIDDEN in text
    oral = next(c for c in api.get(f"/api/v1/coverage?year={YEAR}").json["centers"] if c["key"] == "oral")
    assert oral["enrolled"] == HIDDEN and oral["percent_of_target"] is None


def test_bad_periods_are_refused_with_a_message(client, api, login_as):
    ministry = login_as(Role.MINISTRY)
    assert client.get("/coverage/?year=1990").status_code == 404
    # Months that have not ended, backwards ranges and ranges that would give months away by subtraction.
    for query in ("from_month=5&to_month=2", "from_month=2&to_month=5", "period=12-12", "period=1-12",
                  "period=nonsense"):
        answer = client.get(f"/coverage/?year=2026&{query}", headers={"Accept-Language": "ru"})
        assert answer.status_code == 302, query
        page = client.get(answer.location, headers={"Accept-Language": "ru"}).get_data(as_text=True)
        assert "Показатели публикуются за закончившиеся месяцы" in page
    api.as_user(ministry)
    answer = api.get("/api/v1/coverage?year=2026&from_month=2&to_month=5")
    assert answer.status_code == 400 and answer.json["error"]["code"] == "period_not_published"


def test_monthly_trends_count_a_child_in_each_month_once(ctx):
    from datetime import datetime, timedelta, timezone

    from tests.factories.therapy import RoomFactory, TherapySessionFactory

    (child,) = make("aktobe", 1, status=Status.ENROLLED, enrolled_on=date(YEAR, 3, 20))
    for day in (date(YEAR, 3, 25), date(YEAR, 4, 2), date(YEAR, 4, 9)):
        start = datetime(day.year, day.month, day.day, 5, tzinfo=timezone.utc)
        TherapySessionFactory(room=RoomFactory(center=child.center), center_id=child.center_id,
                              referral_id=child.id, child_id=child.child_id, starts_at=start,
                              ends_at=start + timedelta(minutes=45), busy_from=start,
                              busy_until=start + timedelta(minutes=45), attendance="attended")
    # A redirected copy keeps its date and is not a second referral received.
    ReferralFactory(center=center("aral"), child=child.child, referred_on=child.referred_on,
                    redirected_from_id=child.id, is_open=False)
    public = publish(YEAR, 1, 5, today=date(YEAR, 12, 1))
    assert [(m, *(public.cells[(k, "KZ", (m, m))] for k in ("referrals", "enrolled", "served")))
            for m in (3, 4, 5)] == [(3, 1, 1, 1), (4, 0, 0, 1), (5, 0, 0, 0)]
    assert [public.show(k, period=(3, 3)) for k in ("referrals", "enrolled", "served")] == ["x", "x", "x"]
    assert figures.coverage(first=date(YEAR, 3, 1), last=date(YEAR, 5, 31))["national"].served == 1


def test_timeliness_nationally_is_taken_from_the_children(ctx):
    # Aktobe: 5 children contacted after 2 days; Oral: 1 child after 20 days. National median 2, not (2+20)/2.
    for _ in range(5):
        ReferralFactory(center=center("aktobe"), referred_on=date(YEAR, 6, 1), first_contact_on=date(YEAR, 6, 3))
    ReferralFactory(center=center("oral"), referred_on=date(YEAR, 6, 1), first_contact_on=date(YEAR, 6, 21))
    result = figures.timeliness(first=date(YEAR, 6, 1), last=date(YEAR, 6, 30))
    assert result["KZ"]["first_contact"].count == 6 and result["KZ"]["first_contact"].median == 2
    assert result["aktobe"]["first_contact"].within_target == 1.0
    assert result["KZ-27"]["first_contact"].count == 1  # West Kazakhstan region (Oral)
    assert figures.public_spread(result["oral"]["first_contact"], "x") == {
        "children": "x", "median_days": None, "p90_days": None, "within_target": None}
    assert figures.public_spread(result["KZ"]["first_contact"], 6)["within_target"] == round(5 / 6, 3)
