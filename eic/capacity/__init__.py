"""Targets, utilisation, forecasts and snapshots: each center's work against its target (issue 4)."""


def init_app(app):
    from eic.core.api import register_schemas

    from . import settings  # noqa: F401 - declares the domain's settings
    from . import api, cli, snapshots, views

    snapshots.init_listeners()
    cli.init_app(app)

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_schemas(app, Capacity=api.CapacitySchema)
