"""``flask demo load``."""
import click
from flask.cli import AppGroup

from eic.extensions import db

from .data import DEMO_PASSWORD, already_loaded, load_demo

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing (but print the logins) when users exist.")
@click.option("--per-center", default=15, show_default=True, help="Referrals per center.")
def load(if_empty, per_center):
    """Load the demo data and print the demo logins."""
    if already_loaded():
        if not if_empty:
            raise click.ClickException("the database already has users; demo data loads into an empty one")
        click.echo("Demo data already loaded.")
        logins = None
    else:
        logins = load_demo(referrals_per_center=per_center)
        db.session.commit()
    print_logins(logins)


def print_logins(logins=None):
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
    click.echo("  (The demo makes the second factor optional; a real installation requires it for coordinators,")
    click.echo("  administrators, the ministry and the foundation: Settings, accounts.second_factor.<role>.)")
    if logins is None:
        click.echo("  admin@eic.demo, foundation@eic.demo, ministry@eic.demo,")
        click.echo("  coordinator.<center>@eic.demo, speech_therapist1.<center>@eic.demo,")
        click.echo("  pediatrician1.<center>@eic.demo  (<center>: almaty, aktobe, ... see /centers)")
        return
    for role, email, where in logins:
        click.echo(f"  {role:<13} {email:<45} {where}")
