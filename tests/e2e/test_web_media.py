"""Media in the web client, in a real browser (Debian's chromium driven by npm's playwright-core): files attached
by the button and by a drop, images at their real size and full size in the lightbox, download cards with the
exact bytes, an upload's progress and cancel, a file over the limit refused readably, an embed, avatars, a guild
icon and custom emoji. The helpers the views use are checked on their own first, without a browser."""
import os
import pathlib
import subprocess

from conftest import ROOT
from test_web import ARTIFACTS, DIST, chromium

BROWSER = ROOT / "tests" / "e2e" / "browser"
MAX_FILE_BYTES = 1 << 20


def test_the_media_helpers_on_their_own():
    r = subprocess.run(["node", str(BROWSER / "media_units.mjs")], cwd=ROOT, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, f"{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    assert "all checks passed" in r.stdout


def test_media_in_a_real_browser(make_server):
    """Upload a PNG (file input and drop), see it at its real width and height, open it full size and close it;
    a download card's link downloads the bytes sent; an embed sent through the API renders; an avatar set in
    settings shows; screenshots land in tests/artifacts."""
    assert (DIST / "index.html").exists(), "web/dist is missing: `task web:build` runs before the tests"
    assert pathlib.Path(chromium()).exists(), "chromium is missing: `task setup` installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server = make_server(UPLOAD_MAX_FILE_BYTES=str(MAX_FILE_BYTES), UPLOAD_MAX_MESSAGE_BYTES=str(MAX_FILE_BYTES * 4))
    env = dict(os.environ, SD_BASE=server.base, SD_ARTIFACTS=str(ARTIFACTS), CHROMIUM=chromium(),
               SD_MAX_FILE_BYTES=str(MAX_FILE_BYTES))
    r = subprocess.run(["node", str(BROWSER / "media.mjs")], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=300)
    print(r.stdout)
    assert r.returncode == 0, f"{r.stdout[-6000:]}\n{r.stderr[-6000:]}"
    assert "all steps passed" in r.stdout
    assert (ARTIFACTS / "media-main.png").stat().st_size > 10_000
