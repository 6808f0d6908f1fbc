"""``flask ops backup FILE`` and ``flask ops restore FILE`` (into the configured, empty database)."""
import click
from flask import current_app
from flask.cli import AppGroup

from . import backup as backups

ops_cli = AppGroup("ops", help="Backups and restores.")


@ops_cli.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
def backup(target):
    """Write a backup of the configured database to TARGET."""
    path = backups.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    click.echo(f"backup written: {path}")


@ops_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
def restore(source):
    """Restore SOURCE into the configured database, which must be empty (no users)."""
    from eic.extensions import db

    db.engine.dispose()  # the restore uses its own connections
    try:
        backups.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except backups.RestoreRefused as exc:
        raise click.ClickException(str(exc))
    click.echo(f"restored from {source}")
