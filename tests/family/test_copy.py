"""The family's copy: everything held about the child and the family, in the family's language, as a page to
print and a workbook; only the center's coordinator makes it, and each copy is recorded."""
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from eic.audit.models import AuditEvent
from eic.core.roles import Role
from eic.extensions import db
from eic.referrals.status import Status
from tests.factories.intake import InitialContactFactory
from tests.factories.referrals import CaregiverFactory, ChildFactory, ConsentFactory, ReferralFactory


def test_the_coordinator_makes_the_familys_copy_in_its_language(client, login_as, session):
    coordinator = login_as(Role.COORDINATOR)
    child = ChildFactory(last_name="Отбасыева", first_name="Аружан", address="Ақтөбе, Абай 12")
    carer = CaregiverFactory(child=child, full_name="Отбасыева Гүлнар", phone="+77015550303",
                             preferred_language="kk")
    referral = ReferralFactory(center=coordinator.center, child=child, caregiver=carer, status=Status.ENROLLED)
    ConsentFactory(child_id=child.id, referral_id=referral.id, kind="sms", given_by="Отбасыева Гүлнар")
    InitialContactFactory(referral_id=referral.id, person_reached="Гүлнар", notes="Қоңырау шалдық")
    session.commit()
    page = client.get(f"/family/copy/{referral.id}").get_data(as_text=True)
    for held in ("Отбасыева Аружан", child.iin, "Ақтөбе, Абай 12", "+77015550303", "Қоңырау шалдық",
                 "Сабақтар туралы SMS еске салулар"):
        assert held in page, held
    assert 'lang="kk"' in page  # the caregiver's language by default
    russian = client.get(f"/family/copy/{referral.id}?lang=ru").get_data(as_text=True)
    assert "SMS-напоминания о занятиях" in russian
    book = load_workbook(BytesIO(client.get(f"/family/copy/{referral.id}.xlsx?lang=ru").data))
    cells = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row)
    assert "Отбасыева Аружан" in cells and "Ребёнок" in book.sheetnames[0] or "Ребёнок" in book.sheetnames
    copies = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "copy_for_family")).all()
    assert [(e.via, e.detail["language"]) for e in copies] == [("print", "kk"), ("print", "ru"), ("export", "ru")]
    assert client.get(f"/family/copy/{referral.id}?lang=xx").status_code == 404


def test_nobody_else_makes_the_copy(client, login_as):
    referral = ReferralFactory()
    login_as(Role.COORDINATOR, center_code="oral")
    assert client.get(f"/family/copy/{referral.id}").status_code == 404
    login_as(Role.SPECIALIST)
    assert client.get(f"/family/copy/{referral.id}").status_code == 403
