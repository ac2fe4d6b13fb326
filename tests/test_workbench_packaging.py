"""The built wheel carries the store's migrations and the web page's templates and static files,
and an installed copy opens a store (migrations found from the package) and serves a page from
another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("nutriplan/store/migrations/env.py", "nutriplan/store/migrations/script.py.mako",
           "nutriplan/store/migrations/versions/0001_initial.py")


def test_the_wheel_holds_migrations_templates_and_static_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    web = [f"nutriplan/web/{p.relative_to(ROOT / 'nutriplan' / 'web').as_posix()}"
           for p in (ROOT / "nutriplan" / "web").rglob("*") if p.suffix in (".html", ".css", ".js")]
    assert len(web) >= 8
    assert [name for name in (*SHIPPED, *web) if name not in names] == []


def test_an_installed_copy_opens_a_store_and_serves_a_page(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, timeout=300)
    code = (
        "import asyncio, sys, httpx, nutriplan\n"
        "from nutriplan.web import create_app\n"
        "assert nutriplan.__file__.startswith(sys.argv[1]), nutriplan.__file__\n"
        "app = create_app('here.db')\n"
        "async def go():\n"
        "    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url='http://t') as c:\n"
        "        print((await c.get('/clients/new')).status_code, (await c.get('/static/app.js')).status_code)\n"
        "asyncio.run(go())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", code, str(target)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "200"]
    assert (tmp_path / "here.db").is_file()
