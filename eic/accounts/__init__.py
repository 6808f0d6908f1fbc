"""Users, roles, login and API tokens."""


def init_app(app):
    from . import cli, settings, tokens, views  # noqa: F401 - settings declares the domain's settings

    app.register_blueprint(views.bp)
    app.register_blueprint(tokens.bp)
    app.cli.add_command(cli.users_cli)
