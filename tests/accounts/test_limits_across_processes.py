"""The per-address log-in limit holds across worker processes (and so across hosts) when the counts are kept in
Redis, and the default (each process counting alone) says so when the app starts in production."""
import http.cookiejar
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.jobs.test_processes import BIN, ROOT, env_for, free_port, serving, wait_for

REDIS = "redis://127.0.0.1:6379/0"


def redis_client():
    try:
        import redis

        client = redis.Redis.from_url(REDIS)
        client.ping()
        return client
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI and is not reachable at {REDIS}: {exc}")
        pytest.skip(f"no Redis at {REDIS}")


def wrong_log_in(base):
    """One person's wrong log-in from the same address: a fresh browser session (its own CSRF token)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": "nobody@example.kz", "password": "wrong"})
    try:
        return opener.open(f"{base}/login", data=data.encode(), timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_three_workers_share_one_log_in_limit_through_redis(app, database_url, tmp_path):
    """Before: with the default storage, three workers let 24-29 attempts through a limit of 10."""
    client = redis_client()
    prefix = f"eic-test-{uuid.uuid4().hex}"
    port = free_port()
    env = env_for(database_url, tmp_path, EIC_SCHEDULER_ONLY="", RATELIMIT_STORAGE_URI=REDIS,
                  RATELIMIT_KEY_PREFIX=prefix, EIC_LOGIN_LIMIT="5 per minute")
    web = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "3", "--bind", f"127.0.0.1:{port}",
                            "eic:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: serving(base)), "gunicorn did not start"
        statuses = [wrong_log_in(base) for _ in range(12)]
        # Twelve connections spread over three workers: the sixth attempt is refused whichever worker takes it.
        assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}, statuses
    finally:
        web.terminate()
        web.wait(10)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()


def test_the_default_storage_is_honest_about_counting_per_process(caplog):
    from eic import create_app

    with caplog.at_level("WARNING"):
        create_app("production", SECRET_KEY="not-the-default", RATELIMIT_STORAGE_URI="memory://")
    assert any("counted in each worker process separately" in r.getMessage() for r in caplog.records)
