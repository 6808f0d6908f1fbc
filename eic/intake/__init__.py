"""Intake at a center: the queue, initial contact, assessment, team assignment and the waitlist."""


def init_app(app):
    from . import views

    app.register_blueprint(views.bp)
