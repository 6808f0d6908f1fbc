"""Users, roles, login and API tokens."""


def init_app(app):
    from . import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.users_cli)
