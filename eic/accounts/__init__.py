"""Users, roles, login and API tokens."""


def init_app(app):
    from . import cli, settings, views  # noqa: F401 - settings declares the second-factor settings

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.users_cli)
