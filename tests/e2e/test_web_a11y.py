"""The web client by keyboard alone and for assistive technology, in Debian's chromium (npm's playwright-core):
axe-core finds no serious or critical violation in any view, and each keyboard path (the quick switcher, channel
steps, editing and cancelling, the skip link, the help, focus rings) works; screenshots land in tests/artifacts."""
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import ROOT

DIST = ROOT / "web" / "dist"
ARTIFACTS = ROOT / "tests" / "artifacts"
BROWSER = ROOT / "tests" / "e2e" / "browser"


def chromium():
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def run(server, script):
    assert (DIST / "index.html").exists(), "web/dist is missing: `task web:build` runs before the tests"
    assert pathlib.Path(chromium()).exists(), "chromium is missing: `task setup` installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SD_BASE=server.base, SD_ARTIFACTS=str(ARTIFACTS), CHROMIUM=chromium())
    r = subprocess.run(["node", str(BROWSER / script)], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=240)
    print(r.stdout)
    assert r.returncode == 0, f"{r.stdout[-8000:]}\n{r.stderr[-4000:]}"
    assert "all steps passed" in r.stdout


def test_the_keyboard_helpers_on_their_own():
    """Fuzzy matching, the sidebar's order and Alt+Up/Down's steps through it, the quick switcher's results."""
    r = subprocess.run(["node", str(BROWSER / "keys_units.mjs")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    assert "all checks passed" in r.stdout


@pytest.mark.web_ui
def test_axe_finds_no_serious_violation_in_any_view(server):
    """Sign-in, register, the main screen, the DMs, every dialog and menu: no serious or critical axe rule fails
    (the failure lists each view's rule ids)."""
    run(server, "a11y.mjs")
    for name in ("a11y-main.png", "a11y-quick-switcher.png", "a11y-lightbox.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000


@pytest.mark.web_ui
def test_every_keyboard_path(server):
    """Ctrl+K and its fuzzy search, Alt+Up/Down and Alt+Shift+Up/Down, Up to edit one's last message, Enter and
    Escape in the edit box, Escape cancelling a reply, Ctrl+/, the skip link and a focus ring on every control
    Tab reaches."""
    run(server, "keys.mjs")
    for name in ("keys-switcher.png", "keys-skip-link.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000
