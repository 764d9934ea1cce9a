"""The web client's structure: the first load stays within its gzip budget (no browser needed), then per-guild
unread and mention badges, "mark as read", the DM badge and the phone layout in a real browser (Debian's
chromium driven by npm's playwright-core)."""
import gzip
import os
import pathlib
import re
import subprocess

import pytest

from conftest import ROOT
from test_web import ARTIFACTS, DIST, chromium

BROWSER = ROOT / "tests" / "e2e" / "browser"
BUDGET = 200 * 1024  # bytes, gzip of the JavaScript and CSS the first page load fetches


def first_load():
    """The assets index.html loads (the bundle and the stylesheet), by name."""
    html = (DIST / "index.html").read_text()
    names = re.findall(r'(?:src|href)="/(assets/[^"]+\.(?:js|css))"', html)
    return {name: (DIST / name).read_bytes() for name in names}


def test_the_first_load_stays_within_its_gzip_budget():
    assert (DIST / "index.html").exists(), "web/dist is missing: `task web:build` runs before the tests"
    assets = first_load()
    assert any(n.endswith(".js") for n in assets) and any(n.endswith(".css") for n in assets), assets.keys()
    sizes = {name: len(gzip.compress(data, 9)) for name, data in assets.items()}
    total = sum(sizes.values())
    print(f"first load: {total} bytes gzipped {sizes}")
    assert total < BUDGET, f"the first load is {total} bytes gzipped, over the {BUDGET} budget: {sizes}"
    # The budget means something: the bundle is real (Preact and the views are in it), not an empty file.
    js = next(data for name, data in assets.items() if name.endswith(".js"))
    assert len(js) > 20_000 and b"Mark server as read" in js


def test_the_unread_state_of_guilds_and_dms_on_its_own():
    r = subprocess.run(["node", str(BROWSER / "structure_units.mjs")], cwd=ROOT, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, f"{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    assert "all checks passed" in r.stdout


@pytest.mark.web_ui
def test_guild_badges_and_the_phone_layout_in_a_real_browser(server):
    """Another user posts: the guild's rail button gets its unread mark and mention badge, reading the channels
    clears them, "Mark as read" (from the guild's menu on the rail, by mouse and keyboard, and in the guild's head)
    acks every unread channel (checked on the server), a dialog keeps the focus and shows the server's refusal, a
    DM badges the Home button;
    at 390x844 the channel and member lists are drawers (opened from the chat head, focus inside, Escape and the
    backdrop close them), the composer is full width and every control is at least 44 px."""
    assert (DIST / "index.html").exists(), "web/dist is missing: `task web:build` runs before the tests"
    assert pathlib.Path(chromium()).exists(), "chromium is missing: `task setup` installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SD_BASE=server.base, SD_ARTIFACTS=str(ARTIFACTS), CHROMIUM=chromium())
    r = subprocess.run(["node", str(BROWSER / "structure.mjs")], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=180)
    print(r.stdout)
    assert r.returncode == 0, f"{r.stdout[-6000:]}\n{r.stderr[-6000:]}"
    assert "all steps passed" in r.stdout
    for name in ("structure-badges.png", "structure-menu.png", "phone-chat.png", "phone-channels.png", "phone-members.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000, name
