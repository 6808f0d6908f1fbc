"""``flask reference load``."""
import click
from flask.cli import AppGroup

from eic.extensions import db

from .services import load_reference

reference_cli = AppGroup("reference", help="Reference data.")


@reference_cli.command("load")
@click.option("--update", is_flag=True, help="Overwrite rows an administrator may have corrected.")
def load(update):
    """Load regions, centers, disciplines, ICD-10 categories and risk factors."""
    counts = load_reference(update_existing=update)
    db.session.commit()
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
