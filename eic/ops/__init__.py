"""Operations an IT team runs from the command line: ``flask ops backup`` and ``flask ops restore``."""


def init_app(app):
    from .cli import ops_cli

    app.cli.add_command(ops_cli)
