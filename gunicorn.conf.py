"""From the source tree: ``gunicorn -c gunicorn.conf.py wsgi:app`` (the settings are ``eic.gunicorn_conf``)."""
from eic.gunicorn_conf import *  # noqa: F401,F403
