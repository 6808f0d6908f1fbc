from sqlalchemy import func, select

from eic.centers.models import Center, Discipline, Icd10Category, Region, RiskFactor
from eic.centers.services import load_reference, update_center
from eic.core.errors import ValidationFailed
from eic.extensions import db
from tests.factories.centers import center


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_reference_data_is_loaded_from_the_projects_copy(session):
    assert count(Region) == 20 and count(Center) == 13 and count(Discipline) == 8
    assert count(Icd10Category) >= 50 and count(RiskFactor) == 11
    assert center("taldykorgan").region.iso_code == "KZ-33"


def test_loading_again_keeps_an_administrators_correction(session):
    aktobe = center("aktobe")
    turkistan = db.session.scalar(select(Region).where(Region.iso_code == "KZ-61"))
    update_center(aktobe, region=turkistan, city_kk="Ақтөбе", city_ru="Актобе", city_en="Aktobe",
                  annual_target_families=650, is_active=True, actor=None)
    load_reference()
    assert center("aktobe").region.iso_code == "KZ-61" and count(Center) == 13
    load_reference(update_existing=True)
    assert center("aktobe").region.iso_code == "KZ-15"


def test_update_center_refuses_bad_input(session):
    aktobe = center("aktobe")
    try:
        update_center(aktobe, region=None, city_kk="", city_ru="x", city_en="x", annual_target_families=-1,
                      is_active=True, actor=None)
    except ValidationFailed as exc:
        assert {"region", "city_kk", "annual_target_families"} <= set(exc.fields)
    else:
        raise AssertionError("expected ValidationFailed")
    assert center("aktobe").annual_target_families == 600


def test_admin_corrects_a_centers_region_on_the_page(client, login_as, session):
    from eic.core.roles import Role

    login_as(Role.ADMIN)
    aral = center("aral")
    zhetisu = db.session.scalar(select(Region).where(Region.iso_code == "KZ-33"))
    response = client.post(f"/centers/{aral.id}/edit", data={
        "region": str(zhetisu.id), "city_kk": "Арал", "city_ru": "Аральск", "city_en": "Aral",
        "annual_target_families": "500", "is_active": "y"})
    assert response.status_code == 302
    db.session.refresh(aral)
    assert aral.region_id == zhetisu.id and aral.annual_target_families == 500


def test_cli_reference_load(app, session):
    result = app.test_cli_runner().invoke(args=["reference", "load"])
    assert result.exit_code == 0 and "centers: 13" in result.output
