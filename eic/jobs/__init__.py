"""The ledger of scheduled job runs, its admin page and ``flask scheduler run`` (issue 6)."""


def init_app(app):
    from . import cli, views

    app.register_blueprint(views.bp)
    cli.init_app(app)
