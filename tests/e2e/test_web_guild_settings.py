"""The guild settings screen in a real browser (Debian's chromium driven by npm's playwright-core): the overview
(rename, icon, a refusal with the server's message, leaving, deleting), roles (create, edit, a permission toggled,
reorder by drag and by keyboard, delete, a role above one's own locked, a permission one lacks refused) and
channels (reorder, into and out of a category, name, topic, slowmode, permission overwrites), each checked
through the REST API; screenshots land in tests/artifacts."""
import os
import pathlib
import subprocess

import pytest

from conftest import ROOT
from test_web import ARTIFACTS, DIST, chromium

SCRIPT = ROOT / "tests" / "e2e" / "browser" / "guild-settings.mjs"


@pytest.mark.web_ui
def test_guild_settings_in_a_real_browser(server):
    assert (DIST / "index.html").exists(), "web/dist is missing: `task web:build` runs before the tests"
    assert pathlib.Path(chromium()).exists(), "chromium is missing: `task setup` installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SD_BASE=server.base, SD_ARTIFACTS=str(ARTIFACTS), CHROMIUM=chromium())
    r = subprocess.run(["node", str(SCRIPT)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    print(r.stdout)
    assert r.returncode == 0, f"{r.stdout[-6000:]}\n{r.stderr[-6000:]}"
    assert "all steps passed" in r.stdout
    for name in ("overview", "roles", "channels", "refused", "phone"):
        assert (ARTIFACTS / f"guild-settings-{name}.png").stat().st_size > 10_000
