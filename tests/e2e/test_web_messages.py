"""The message list of the web client in a real browser (Debian's chromium driven by npm's playwright-core):
groups, "(edited)", day separators, the "New messages" divider, its jump bar and Mark as read (the server's read
state checked), and a channel of 10,000 messages kept to a small window of the page while every page loads (those
are made by the browser test and answered to the page's requests for that channel's history; everything else goes
through the server). The layout rules (groups, days, the first unread message) are checked on their own first, without a browser."""
import os
import pathlib
import subprocess

import pytest

from conftest import ROOT
from test_web import ARTIFACTS, DIST, chromium

BROWSER = ROOT / "tests" / "e2e" / "browser"


def test_the_message_layout_rules_on_their_own():
    r = subprocess.run(["node", str(BROWSER / "messages_units.mjs")], cwd=ROOT, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, f"{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    assert "all checks passed" in r.stdout


@pytest.mark.web_ui
def test_the_message_list_in_a_real_browser(server):
    assert (DIST / "index.html").exists(), "web/dist is missing: `task web:build` runs before the tests"
    assert pathlib.Path(chromium()).exists(), "chromium is missing: `task setup` installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SD_BASE=server.base, SD_ARTIFACTS=str(ARTIFACTS), CHROMIUM=chromium())
    r = subprocess.run(["node", str(BROWSER / "messages.mjs")], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=300)
    print(r.stdout)
    assert r.returncode == 0, f"{r.stdout[-6000:]}\n{r.stderr[-6000:]}"
    assert "all steps passed" in r.stdout
    for name in ("messages-days.png", "messages-divider.png", "messages-big-top.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000
