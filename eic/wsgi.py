"""The WSGI entry point for gunicorn (``gunicorn -c python:eic.gunicorn_conf eic.wsgi:app``, or from the source
tree ``gunicorn -c gunicorn.conf.py wsgi:app``); configuration as for every entry point: the environment and
``.env`` (``config``)."""
from eic import create_app

app = create_app()
