"""The guild's members, bans and invites screens and the user settings in a real browser (Debian's chromium
driven by npm's playwright-core): roles given and taken, nickname, timeout, kick, ban (seen in the bans with its
reason) and unban, invites listed, created and revoked, a refusal shown, a profile change seen by another user,
a password change that keeps the session on its new token while the old one is refused, and logging out
everywhere signing out a second browser. Each action is checked through the REST API."""
import os
import pathlib
import subprocess

import pytest

from conftest import ROOT
from test_web import ARTIFACTS, DIST, chromium

SCRIPT = ROOT / "tests" / "e2e" / "browser" / "user-settings.mjs"


@pytest.mark.web_ui
def test_members_bans_invites_and_user_settings_in_a_real_browser(server):
    assert (DIST / "index.html").exists(), "web/dist is missing: `task web:build` runs before the tests"
    assert pathlib.Path(chromium()).exists(), "chromium is missing: `task setup` installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SD_BASE=server.base, SD_ARTIFACTS=str(ARTIFACTS), CHROMIUM=chromium())
    r = subprocess.run(["node", str(SCRIPT)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    print(r.stdout)
    assert r.returncode == 0, f"{r.stdout[-6000:]}\n{r.stderr[-6000:]}"
    assert "all steps passed" in r.stdout
    for name in ("members-list.png", "members-bans.png", "members-invites.png", "user-settings-account.png",
                 "user-settings-password.png", "user-settings-signed-out.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000
