"""The wheel carries everything the app needs: built here, installed into a fresh virtual environment, it
migrates a new database and serves the log-in page (in Kazakh, from the compiled catalogues), a vendored static
file and the OpenAPI document. Before: the wheel held only .py files, and the first page failed with
TemplateNotFound."""
import glob
import site
import subprocess
import sys
import venv

from tests.jobs.test_processes import ROOT

CHECK = """
import eic, pathlib, sys
assert "site-packages" in eic.__file__ and pathlib.Path.cwd() not in pathlib.Path(eic.__file__).parents, eic.__file__
from flask_migrate import upgrade
from eic import create_app
from eic.centers.services import load_reference
from eic.extensions import db
app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite:///" + sys.argv[1])
with app.app_context():
    upgrade()
    load_reference()
    db.session.commit()
client = app.test_client()
login = client.get("/login", headers={"Accept-Language": "kk"})
assert login.status_code == 200 and "Құпиясөз" in login.get_data(as_text=True), login.status_code
assert client.get("/api/v1/openapi.json").status_code == 200
from flask import url_for
with app.test_request_context():
    address = url_for("core.static", filename="vendor/chartjs/chart.umd.min.js")
chart = client.get(address)
assert chart.status_code == 200, chart.status_code
print("ok", eic.__file__)
"""


def test_the_wheel_installs_migrates_and_serves(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = glob.glob(str(tmp_path / "dist" / "eic-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel],
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-2000:]
    # The dependencies come from the project's environment (appended after the new one's own packages, without
    # its .pth files, so the editable source tree stays out of sight).
    new_site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True).stdout.strip()
    with open(f"{new_site}/zz_dependencies.pth", "w") as pth:
        pth.write("\n".join(p for p in site.getsitepackages()) + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    ran = subprocess.run([str(python), "-c", CHECK, str(tmp_path / "new.db")], cwd=work, capture_output=True,
                         text=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert ran.returncode == 0 and ran.stdout.startswith("ok"), ran.stderr[-1500:]
    assert str(env_dir) in ran.stdout


def test_the_locked_requirements_cover_every_dependency_with_hashes():
    """requirements/production.txt (make requirements) pins what setup.cfg asks for, each with a hash."""
    import configparser
    import re

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    wanted = {re.split(r"[<>=\[ ;]", line.strip())[0].lower().replace("_", "-")
              for line in config["options"]["install_requires"].splitlines() if line.strip()}
    lock = (ROOT / "requirements" / "production.txt").read_text()
    pinned = {m.group(1).lower().replace("_", "-") for m in re.finditer(r"^([A-Za-z0-9_.-]+)==", lock, re.M)}
    assert wanted <= pinned, wanted - pinned
    assert "redis" in pinned  # the redis extra
    for block in re.split(r"\n(?=[A-Za-z0-9_.-]+==)", lock.split("\n", 6)[-1]):
        if "==" in block:
            assert "--hash=sha256:" in block, block[:80]
