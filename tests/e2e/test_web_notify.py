"""Notifications in a real browser (tests/e2e/browser/notify.mjs): the permission asked from a click, desktop
notifications for mentions and DMs, the title's badge, mutes saved on the server through the client's dialogs."""
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import ROOT

DIST = ROOT / "web" / "dist"
ARTIFACTS = ROOT / "tests" / "artifacts"


def chromium():
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.web_ui
def test_notifications_title_badge_and_mutes_in_a_real_browser(server):
    assert (DIST / "index.html").exists(), "web/dist is missing: `task web:build` runs before the tests"
    assert pathlib.Path(chromium()).exists(), "chromium is missing: `task setup` installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    script = ROOT / "tests" / "e2e" / "browser" / "notify.mjs"
    env = dict(os.environ, SD_BASE=server.base, SD_ARTIFACTS=str(ARTIFACTS), CHROMIUM=chromium())
    r = subprocess.run(["node", str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    print(r.stdout)
    assert r.returncode == 0, f"{r.stdout[-6000:]}\n{r.stderr[-6000:]}"
    assert "all steps passed" in r.stdout
    for name in ("notify-badge.png", "notify-dialog.png", "notify-muted.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000
