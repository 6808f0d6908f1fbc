"""The shipped nginx site in front of gunicorn on loopback: pages come through, nginx's request id reaches the
app's logs and answers, and a client cannot forge its address past nginx to escape the log-in limit
(EIC_TRUSTED_PROXIES=1 with the site's `X-Forwarded-For $remote_addr`)."""
import http.cookiejar
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.jobs.test_processes import BIN, ROOT, env_for, free_port, serving, wait_for

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def site_location() -> str:
    """The `location` blocks of deploy/nginx/eic.conf's TLS site, as shipped (from `location /` to the site's end)."""
    text = (ROOT / "deploy" / "nginx" / "eic.conf").read_text()
    start = text.index("location / {")
    return text[start:text.rindex("}")]


def nginx_conf(tmp, listen, upstream) -> str:
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = " ".join(f"{kind}_temp_path {tmp}/{kind};" for kind in kinds)
    return f"""daemon off; worker_processes 1; pid {tmp}/nginx.pid; error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{ access_log {tmp}/access.log; {temp}
  upstream eic_web {{ server {upstream}; }}
  server {{ listen 127.0.0.1:{listen}; {site_location()} }}
}}"""


def attempt(base, forged):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(urllib.request.Request(f"{base}/login", headers={"X-Forwarded-For": forged}), timeout=30)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.read().decode()).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": "x@y.kz", "password": "wrong-one"}).encode()
    try:
        return opener.open(urllib.request.Request(f"{base}/login", data=data, headers={"X-Forwarded-For": forged}),
                           timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_nginx_in_front_of_gunicorn(app, database_url, tmp_path):
    if not os.path.exists(NGINX):
        pytest.fail("nginx is required (make test installs it from Debian's packages)")
    web_port, proxy_port = free_port(), free_port()
    env = env_for(database_url, tmp_path, EIC_SCHEDULER_ONLY="", EIC_TRUSTED_PROXIES="1",
                  EIC_LOGIN_LIMIT="2 per minute", EIC_BIND=f"127.0.0.1:{web_port}", EIC_WEB_WORKERS="1")
    web = subprocess.Popen([str(BIN / "gunicorn"), "-c", "python:eic.gunicorn_conf", "eic.wsgi:app"], cwd=ROOT,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / kind).mkdir()
    (tmp_path / "nginx.conf").write_text(nginx_conf(tmp_path, proxy_port, f"127.0.0.1:{web_port}"))
    proxy = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{proxy_port}"
    try:
        error_log = tmp_path / "error.log"
        assert wait_for(lambda: serving(base)), error_log.read_text() if error_log.exists() else "nginx did not start"
        answer = urllib.request.urlopen(f"{base}/login", timeout=30)
        assert answer.status == 200 and re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])
        statuses = [attempt(base, f"203.0.113.{n}") for n in range(1, 4)]
        assert statuses == [200, 200, 429], statuses  # forged addresses do not open new allowances
    finally:
        proxy.terminate()
        web.terminate()
        proxy.wait(30)
        web.wait(30)
