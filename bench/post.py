"""The referral POST (``/api/v1/referrals``, a pediatrician's token) under gunicorn with 2 workers, against its
floor (``floor_app``: the same referral stored by one INSERT with no checks) under the same gunicorn settings, both
driven by ``wrk`` with the same bodies: every request a new child, so that every answer is a 201."""
import json
import os
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
WORKERS = 2
SECONDS = 10
ROUNDS = 3
BLOCK = 20_000  # children per round of one server: more than either can take in SECONDS

LUA = """
rows = {}
for line in io.lines("%(rows)s") do
  local iin, born, sex = line:match("(%%d+) ([%%d-]+) (%%a)")
  rows[#rows + 1] = {iin, born, sex}
end
template = %(template)s
tid = 0
function setup(thread)
  thread:set("id", tid)
  tid = tid + 1
end
n = 0
function init(args)
  threads = tonumber(args[1])
  start = tonumber(args[2])
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[3]
end
function request()
  local row = rows[start + id + threads * n + 1]
  n = n + 1
  return wrk.format(nil, nil, nil, string.format(template, row[1], row[2], row[3]))
end
function done(summary, latency, requests)
  io.write(string.format('{"requests": %%d, "us": %%d, "status_errors": %%d, "socket_errors": %%d, ' ..
                         '"p50_ms": %%.1f, "p99_ms": %%.1f}\\n', summary.requests, summary.duration,
                         summary.errors.status, summary.errors.connect + summary.errors.read +
                         summary.errors.write + summary.errors.timeout,
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def _check_digit(first11: str):
    from eic.referrals.validation import iin_check_digit

    return iin_check_digit(first11)


def children(today: date, count: int) -> list[tuple[str, str, str]]:
    """``count`` children, each (IIN, birth date, sex) with a valid IIN that encodes the birth date and sex."""
    result, serial = [], 0
    while len(result) < count:
        serial += 1
        born = today - timedelta(days=200 + serial % 700)
        sex = "MF"[serial % 2]
        first11 = f"{born:%y%m%d}{5 if sex == 'M' else 6}{serial // 700:04d}"
        check = _check_digit(first11)
        if check is not None:
            result.append((first11 + str(check), born.isoformat(), sex))
    return result


def template(today: date) -> str:
    """A referral in the API's shape as JSON, with the child's IIN, birth date and sex left as Lua's %s."""
    body = json.dumps({
        "child": {"iin": "@IIN@", "last_name": "Сынақов", "first_name": "Әлихан", "patronymic": "",
                  "birth_date": "@BORN@", "sex": "@SEX@", "gestational_age_weeks": 34, "birth_weight_g": 2100,
                  "address": "Демо көшесі, 5", "district": "Демо ауданы"},
        "caregiver": {"full_name": "Гүлнар Сынақова", "relation": "mother", "phone": "+7 701 234 5678",
                      "preferred_language": "kk"},
        "center_code": "aktobe", "icd10_codes": ["G80.1"], "risk_factors": ["preterm_32_36w"], "notes": "",
        "consent": {"given_by": "Гүлнар Сынақова", "given_on": today.isoformat()}}, ensure_ascii=False)
    body = body.replace("%", "%%")
    for placeholder in ("@IIN@", "@BORN@", "@SEX@"):
        body = body.replace(placeholder, "%s")
    return body


def _lua_string(value: str) -> str:
    return "[==[" + value + "]==]"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_serving(base: str, process, timeout=120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server at {base} exited with {process.returncode}")
        try:
            if urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server at {base} did not start")


def _serve(app_path: str, env: dict):
    port = _free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--workers",
                               str(WORKERS), "--bind", f"127.0.0.1:{port}", app_path], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    _wait_serving(base, server)
    return server, base


def _wrk(script: Path, url: str, start: int, token: str) -> dict:
    answer = subprocess.run(["wrk", "-t2", "-c8", f"-d{SECONDS}s", "--timeout", "30s", "-s", str(script), url,
                             "--", "2", str(start), token], capture_output=True, text=True, check=True)
    lines = [line for line in answer.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(answer.stdout + answer.stderr)
    figures = json.loads(lines[-1])
    figures["rate"] = figures["requests"] / (figures["us"] / 1e6)
    return figures


def run(database_url: str, token: str, pediatrician_id: int, today: date) -> dict:
    """Req/s of the product and of the floor, alternating rounds (``ROUNDS`` each), medians and their ratio."""
    work = Path(tempfile.mkdtemp())
    rows = work / "children.txt"
    rows.write_text("".join("%s %s %s\n" % child for child in children(today, 2 * ROUNDS * BLOCK)),
                    encoding="utf-8")
    script = work / "post.lua"
    script.write_text(LUA % {"rows": rows, "template": _lua_string(template(today))}, encoding="utf-8")
    env = dict(os.environ, DATABASE_URL=database_url, EIC_CONFIG="production", SECRET_KEY="bench-" + "x" * 40,
               EIC_ACCESS_LOG="-", EIC_FLOOR_PEDIATRICIAN=str(pediatrician_id), PYTHONPATH=str(ROOT))
    product, product_base = _serve("wsgi:app", env)
    floor, floor_base = _serve("bench.floor_app:app", env)
    rounds = {"product": [], "floor": []}
    block = 0
    try:
        for _ in range(ROUNDS):
            for name, url in (("product", f"{product_base}/api/v1/referrals"),
                              ("floor", f"{floor_base}/floor/referrals")):
                figures = _wrk(script, url, block * BLOCK, token)
                if figures["status_errors"] or figures["socket_errors"] or figures["requests"] >= BLOCK:
                    raise RuntimeError(f"{name}: {figures}")
                block += 1
                rounds[name].append(figures)
    finally:
        for server in (product, floor):
            os.killpg(server.pid, 15)
            server.wait(timeout=60)
    product_rate = statistics.median(r["rate"] for r in rounds["product"])
    floor_rate = statistics.median(r["rate"] for r in rounds["floor"])
    return {"product_rate": product_rate, "floor_rate": floor_rate, "ratio": product_rate / floor_rate,
            "product_p50_ms": statistics.median(r["p50_ms"] for r in rounds["product"]),
            "floor_p50_ms": statistics.median(r["p50_ms"] for r in rounds["floor"]),
            "rounds": ROUNDS, "seconds": SECONDS}
