"""Domain-free helpers: errors, auth decorators, i18n, time, pagination, base templates."""


def init_app(app):
    from . import i18n, settings, views  # noqa: F401 - settings defines the settings table

    i18n.init_app(app)
    app.register_blueprint(views.bp)
    views.register_error_handlers(app)
