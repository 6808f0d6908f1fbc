"""In-app notifications: what happened that a user should know about."""


def init_app(app):
    from . import views

    app.register_blueprint(views.bp)
    app.context_processor(views.inject_unread)
