"""The audit trail: an append-only record of every look at a child's record, every change, log-in, token use,
permission and setting change, export and import (issue 13)."""


def init_app(app):
    from . import views
    from .tracking import init_tracking

    app.register_blueprint(views.bp)
    init_tracking()
