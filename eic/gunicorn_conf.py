"""gunicorn's settings, from the environment (and ``.env``): ``gunicorn -c python:eic.gunicorn_conf eic.wsgi:app``.

The timeout fits the slowest request the platform serves, a year's session-log export (about 30 s on the national
dataset, docs/PERFORMANCE.md), with room to spare; threads let a worker serve quick pages while one waits on the
database."""
import multiprocessing
import os

from dotenv import find_dotenv, load_dotenv

load_dotenv(os.environ.get("EIC_ENV_FILE") or find_dotenv(usecwd=True), override=False)

bind = os.environ.get("EIC_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("EIC_WEB_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 9))
threads = int(os.environ.get("EIC_WEB_THREADS") or 4)
timeout = int(os.environ.get("EIC_WEB_TIMEOUT") or 120)
graceful_timeout = int(os.environ.get("EIC_WEB_GRACEFUL_TIMEOUT") or 30)
keepalive = 5
accesslog = os.environ.get("EIC_ACCESS_LOG", "-")
errorlog = "-"
# Restart workers now and then, so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("EIC_WEB_MAX_REQUESTS") or 2000)
max_requests_jitter = 200
