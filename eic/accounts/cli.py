"""``flask users create`` and ``flask users token``."""
import click
from flask.cli import AppGroup
from sqlalchemy import select

from eic.core.errors import ValidationFailed
from eic.core.roles import Role
from eic.extensions import db

from . import services
from .models import User

users_cli = AppGroup("users", help="Manage users and API tokens.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", required=True, prompt=True, hide_input=True)
@click.option("--name", "full_name", default=None, help="Full name (defaults to the e-mail).")
@click.option("--center", "center_code", default=None, help="Center code, for coordinators and specialists.")
@click.option("--polyclinic", "polyclinic_name", default=None, help="Polyclinic name, for pediatricians.")
@click.option("--discipline", "discipline_code", default=None, help="Discipline code, for specialists.")
@click.option("--region", "region_iso", default=None, help="Region ISO code for a new polyclinic (e.g. KZ-15).")
@click.option("--languages", default="kk,ru")
def create(email, role, password, full_name, center_code, polyclinic_name, discipline_code, region_iso,
           languages):
    """Create a user."""
    from eic.centers.queries import center_by_code, discipline_by_code, polyclinic_by_name, region_by_iso

    center = center_by_code(center_code) if center_code else None
    if center_code and center is None:
        raise click.ClickException(f"no center with code {center_code!r}")
    region = region_by_iso(region_iso) if region_iso else (center.region if center else None)
    polyclinic = polyclinic_by_name(polyclinic_name, create_in=region) if polyclinic_name else None
    if polyclinic_name and polyclinic is None:
        raise click.ClickException(f"no polyclinic {polyclinic_name!r}: give --region to create it")
    discipline = discipline_by_code(discipline_code) if discipline_code else None
    if discipline_code and discipline is None:
        raise click.ClickException(f"no discipline with code {discipline_code!r}")
    try:
        user = services.create_user(email=email, full_name=full_name or email, role=role, password=password,
                                    center=center, polyclinic=polyclinic, discipline=discipline,
                                    languages=languages)
    except ValidationFailed as exc:
        db.session.rollback()
        raise click.ClickException("; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in exc.fields.items()))
    db.session.commit()
    click.echo(f"created {user.email} ({user.role.value})")


@users_cli.command("token")
@click.argument("email")
def token(email):
    """Print a new API token for EMAIL (only its hash is stored)."""
    user = db.session.scalar(select(User).where(User.email == services.normalise_email(email)))
    if user is None:
        raise click.ClickException(f"no user {email!r}")
    value = services.issue_token(user)
    db.session.commit()
    click.echo(value)
