"""A plain (non-editable) wheel carries the library, the templates and the static files."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_library_and_web_files_and_works_installed(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True)
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ["interviewer/_data/rubrics/common.yaml",
                     "interviewer/_data/prompts/questions/api-products.yaml",
                     "interviewer/_data/web/templates/base.html",
                     "interviewer/_data/web/static/app.css",
                     "interviewer/storage/migrations/0001_initial.py",
                     "interviewer/storage/migrations/0002_shared_state.sql"]:
        assert expected in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("from interviewer import paths; from interviewer.library import load_library; "
            "from interviewer.storage import Store; Store('installed.db').leases; "
            "lib = load_library(); print(paths.data_root(), len(lib.questions))")
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, check=True,
                         capture_output=True, text=True).stdout
    root, count = out.split()
    assert Path(root) == site / "interviewer" / "_data"
    assert int(count) >= 60
