"""The web client as the server serves it: content types, revalidation, caching, safety headers, no way out of the
folder; then the client itself in a real browser (Debian's chromium driven by npm's playwright-core)."""
import http.client
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from conftest import ROOT

DIST = ROOT / "web" / "dist"
ARTIFACTS = ROOT / "tests" / "artifacts"


def raw_get(server, path, method="GET", headers=None):
    """One request with the path sent exactly as given (no client-side normalisation of ../ or escapes)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.putrequest(method, path, skip_accept_encoding=True)
    for k, v in (headers or {}).items():
        conn.putheader(k, v)
    conn.endheaders()
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r, body


@pytest.fixture
def web_root(tmp_path):
    """A web folder with a secret file beside it and a symbolic link inside pointing at the secret."""
    root = tmp_path / "site"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>x</title>")
    (root / "assets" / "app-ABCD2345.js").write_text("export const x = 1;\n")
    (root / "assets" / "plain.css").write_text("body{}\n")
    (root / "sub").mkdir()
    (root / "sub" / "page.txt").write_text("inside")
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    os.symlink(tmp_path / "secret.txt", root / "link.txt")
    return root


@pytest.fixture
def site(make_server, web_root):
    return make_server(WEB_DIR=str(web_root))


def test_the_built_client_is_served_at_the_root(server):
    assert (DIST / "index.html").exists(), "web/dist is missing: `task web:build` runs before the tests"
    r = server.get("/")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert r.headers["Cache-Control"] == "no-cache"
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    scripts = re.findall(r'src="(/assets/app-[A-Z0-9]{8}\.js)"', r.text)
    styles = re.findall(r'href="(/assets/style-[A-Z0-9]{8}\.css)"', r.text)
    assert scripts and styles, r.text
    js = server.get(scripts[0])
    assert js.status_code == 200 and js.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert js.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "<script" not in r.text.split(scripts[0])[1], "no inline script after the bundle"
    css = server.get(styles[0])
    assert css.status_code == 200 and css.headers["Content-Type"] == "text/css; charset=utf-8"
    assert server.get("/favicon.svg").headers["Content-Type"] == "image/svg+xml"
    # A page of the client (an invite link) is the client too; the API keeps its own 404s.
    invite = server.get("/invite/abc123")
    assert invite.status_code == 200 and invite.text == r.text
    api = server.get("/api/v10/no-such-route")
    assert api.status_code == 404 and api.json()["message"] == "404: Not Found"


def test_etag_and_last_modified_answer_304(site):
    r = site.get("/assets/plain.css")
    assert r.status_code == 200 and r.text == "body{}\n"
    etag, modified = r.headers["ETag"], r.headers["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{24}"', etag)
    assert r.headers["Cache-Control"] == "no-cache", "not hashed: revalidate"
    again = site.get("/assets/plain.css", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag and "Content-Length" not in again.headers
    assert site.get("/assets/plain.css", headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert site.get("/assets/plain.css", headers={"If-None-Match": '"other"'}).status_code == 200
    assert site.get("/assets/plain.css", headers={"If-Modified-Since": modified}).status_code == 304
    assert site.get("/assets/plain.css",
                    headers={"If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"}).status_code == 200
    assert site.get("/assets/plain.css", headers={"If-Modified-Since": "garbage"}).status_code == 200


def test_a_changed_file_gets_a_new_etag(site, web_root):
    first = site.get("/sub/page.txt")
    assert first.text == "inside" and first.headers["Content-Type"] == "text/plain; charset=utf-8"
    path = web_root / "sub" / "page.txt"
    path.write_text("changed, and longer")
    second = site.get("/sub/page.txt", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.text == "changed, and longer"
    assert second.headers["ETag"] != first.headers["ETag"]
    path.unlink()
    assert site.get("/sub/page.txt").status_code == 404


def test_hashed_assets_are_cached_for_a_year(site):
    r = site.get("/assets/app-ABCD2345.js")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_head_sends_headers_only(site):
    r, body = raw_get(site, "/assets/plain.css", method="HEAD")
    assert r.status == 200 and body == b"" and r.getheader("Content-Length") == "7"
    assert r.getheader("ETag")


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/sub/../../secret.txt",
    "/sub/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt", "/sub/..\\..\\secret.txt",
    "/link.txt", "/sub/", "/sub", "//secret.txt", "/%00", "/%zz", "/./index.html", "/assets/../index.html",
    "/%252e%252e/secret.txt",
])
def test_no_way_out_of_the_folder(site, path):
    r, body = raw_get(site, path)
    assert r.status == 404, (path, r.status, body)
    assert b"TOP SECRET" not in body
    assert b'"message"' in body, "Discord's error body"


def test_other_methods_are_not_files(site):
    r, body = raw_get(site, "/index.html", method="POST", headers={"Content-Length": "0"})
    assert r.status == 404 and b'"code"' in body


def test_without_a_built_client_the_api_still_runs(make_server, tmp_path):
    srv = make_server(WEB_DIR=str(tmp_path / "missing"))
    assert srv.get("/").status_code == 404
    assert srv.get("/healthz").status_code == 200
    assert "no web client to serve" in srv.log_text()


def chromium():
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def test_two_people_chat_in_real_browsers(server):
    """Two browser contexts, two users: register, create a guild and an invite, join by the link, chat live,
    edit, react, reply (and dropping a reply or an edit), mention, typing, presence and a chosen status, unread
    markers, DMs, a dropped socket resumed, the XSS string kept as text, keyboard and labels, signing in again in
    the same page; screenshots land in tests/artifacts."""
    assert (DIST / "index.html").exists(), "web/dist is missing: `task web:build` runs before the tests"
    assert pathlib.Path(chromium()).exists(), "chromium is missing: `task setup` installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    script = ROOT / "tests" / "e2e" / "browser" / "chat.mjs"
    env = dict(os.environ, SD_BASE=server.base, SD_ARTIFACTS=str(ARTIFACTS), CHROMIUM=chromium())
    r = subprocess.run(["node", str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    print(r.stdout)
    assert r.returncode == 0, f"{r.stdout[-6000:]}\n{r.stderr[-6000:]}"
    assert "all steps passed" in r.stdout
    for name in ("alice-main.png", "bob-main.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000


def test_a_burst_of_messages_waits_out_the_rate_limit_in_order(make_server):
    """With a low message limit, the client waits out the 429s by itself; every message lands, in order."""
    assert (DIST / "index.html").exists(), "web/dist is missing: `task web:build` runs before the tests"
    server = make_server(RATE_LIMIT_MESSAGES="3/2")
    script = ROOT / "tests" / "e2e" / "browser" / "paced.mjs"
    env = dict(os.environ, SD_BASE=server.base, CHROMIUM=chromium())
    r = subprocess.run(["node", str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, f"{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    assert "landed in order" in r.stdout
