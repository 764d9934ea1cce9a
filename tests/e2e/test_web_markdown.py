"""Message text in the web client, in a real browser (Debian's chromium driven by npm's playwright-core): Discord's
markdown from a fixture file of inputs and the DOM each must draw, posted as real messages; an XSS corpus sent as
messages that must stay inert text; spoilers, timestamps, the masked-link question, and the composer's
completions by keyboard."""
import json
import os
import pathlib
import subprocess

import pytest

from conftest import ROOT
from test_web import ARTIFACTS, DIST, chromium

BROWSER = ROOT / "tests" / "e2e" / "browser"
FIXTURES = ROOT / "tests" / "e2e" / "fixtures" / "markdown"


def test_the_fixture_files_are_complete():
    cases = json.loads((FIXTURES / "render.json").read_text())["cases"]
    assert len({c["name"] for c in cases}) == len(cases), "fixture names are unique"
    assert all(isinstance(c["input"], str) and isinstance(c["dom"], list) for c in cases)
    payloads = json.loads((FIXTURES / "xss.json").read_text())["payloads"]
    assert len(payloads) >= 40 and len(set(payloads)) == len(payloads)


@pytest.mark.web_ui
def test_markdown_in_a_real_browser(make_server):
    """The fixtures drawn as expected, the XSS payloads inert, spoilers by keyboard, a relative time moving on,
    the masked-link question (Cancel and Visit site), :shortcode:, @name and #channel completions; screenshots
    land in tests/artifacts."""
    assert (DIST / "index.html").exists(), "web/dist is missing: `task web:build` runs before the tests"
    assert pathlib.Path(chromium()).exists(), "chromium is missing: `task setup` installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # The fixtures and payloads are posted back to back: the per-channel message limit is raised for them.
    server = make_server(RATE_LIMIT_MESSAGES="1000/5")
    env = dict(os.environ, SD_BASE=server.base, SD_ARTIFACTS=str(ARTIFACTS), CHROMIUM=chromium())
    r = subprocess.run(["node", str(BROWSER / "markdown.mjs")], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=240)
    print(r.stdout)
    assert r.returncode == 0, f"{r.stdout[-8000:]}\n{r.stderr[-8000:]}"
    assert "all steps passed" in r.stdout
    for name in ("markdown-render.png", "markdown-xss.png", "markdown-completion.png", "markdown-leaving.png",
                 "markdown-showcase.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000
