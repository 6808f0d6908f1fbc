"""Regions, centers, rooms, polyclinics and reference data (disciplines, ICD-10 categories, risk factors)."""


def init_app(app):
    from eic.core.api import register_schemas

    from . import api, cli, reference, views

    reference.init_listeners()
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.reference_cli)
    register_schemas(app, Center=api.CenterSchema)
