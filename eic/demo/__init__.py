"""Demo data: ``flask demo load``."""


def init_app(app):
    from .cli import demo_cli

    app.cli.add_command(demo_cli)
