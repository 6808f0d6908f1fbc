"""``flask capacity snapshot``: fill the monthly "families served" summary (the scheduler runs it nightly)."""
import click
from flask.cli import AppGroup

from eic.extensions import db

capacity_cli = AppGroup("capacity", help="Capacity figures.")


@capacity_cli.command("snapshot")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Recompute every closed month from this date (default: what is stale or missing since 1 January "
                   "of last year, and the month just over).")
def snapshot(since):
    """Compute the monthly summary of families served."""
    from eic.core.timeutil import almaty_today

    from .served import closed_months
    from .snapshots import refresh, refresh_due

    today = almaty_today()
    if since is None:
        stored = refresh_due(today=today)
    else:
        stored = refresh(closed_months(since.date(), today, today))
    db.session.commit()
    if not stored:
        click.echo("Nothing to compute.")
    for month, rows in sorted(stored.items()):
        click.echo(f"{month:%Y-%m}: {rows} children served")


def init_app(app):
    app.cli.add_command(capacity_cli)
