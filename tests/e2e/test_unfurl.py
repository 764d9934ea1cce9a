"""Link previews (LINK_PREVIEWS=1) against a local web server: a message's links are fetched, their OpenGraph tags
become embeds and the message goes out again as MESSAGE_UPDATE; private addresses are refused unless
LINK_PREVIEW_ALLOW_PRIVATE=1 (and 0.0.0.0, which reaches this host, always), also behind a redirect; a huge page is
cut off at LINK_PREVIEW_MAX_BYTES and a slow one at LINK_PREVIEW_TIMEOUT_MS."""
import http.server
import struct
import threading
import time
import zlib

import pytest

from gateway_helpers import Gateway
from guild_helpers import general, make_guild, new_client, ok

SUPPRESS_EMBEDS = 1 << 2

PAGE = b"""<!doctype html><html><head><title>Fallback</title>
<meta property="og:title" content="A &amp; B">
<meta property="og:description" content="What the page is about">
<meta property="og:site_name" content="Local Site">
<meta property="og:type" content="article">
<meta property="og:image" content="/pic.png">
<meta name="theme-color" content="#112233">
</head><body>""" + b"x" * 1000 + b"</body></html>"


def png(w, h):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + b"\0" * w * 3 for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class Site:
    """A local web server that records every request it gets."""

    def __init__(self):
        self.requests = []
        self.huge_written = 0
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def send(self, status, body, ctype="text/html; charset=utf-8", extra=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in extra:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                site.requests.append(self.path)
                port = self.server.server_address[1]
                if self.path.startswith("/page"):
                    self.send(200, PAGE)
                elif self.path == "/pic.png":
                    self.send(200, png(40, 30), "image/png")
                elif self.path == "/redirect":
                    self.send(302, b"", extra=[("Location", f"http://127.0.0.1:{port}/page-after-redirect")])
                elif self.path == "/redirect-to-zero":
                    self.send(302, b"", extra=[("Location", f"http://0.0.0.0:{port}/page-behind-zero")])
                elif self.path == "/redirect-to-file":
                    self.send(302, b"", extra=[("Location", "file:///etc/passwd")])
                elif self.path == "/loop":
                    self.send(302, b"", extra=[("Location", f"http://127.0.0.1:{port}/loop")])
                elif self.path == "/huge":
                    total = 256 << 20
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(total))
                    self.end_headers()
                    try:
                        self.wfile.write(PAGE.replace(b"A &amp; B", b"Huge"))
                        site.huge_written = len(PAGE)
                        block = b"y" * 65536
                        while site.huge_written < total:
                            self.wfile.write(block)
                            site.huge_written += len(block)
                    except OSError:
                        pass
                elif self.path == "/slow":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    try:
                        self.wfile.write(PAGE[:PAGE.index(b"</head>")].replace(b"A &amp; B", b"Slow"))
                        self.wfile.flush()
                        time.sleep(20)
                        self.wfile.write(b"</head></html>")
                    except OSError:
                        pass
                else:
                    self.send(404, b"no")

        self.httpd = http.server.ThreadingHTTPServer(("0.0.0.0", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def seen(self, prefix):
        return [p for p in self.requests if p.startswith(prefix)]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


def setup(srv):
    owner = new_client(srv, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    gw = Gateway(srv)
    gw.identify(owner.token)
    return owner, ch, gw


def previews(gw, message_id, timeout=10):
    """The embeds of the MESSAGE_UPDATE that brings the message's previews."""
    d = gw.expect("MESSAGE_UPDATE", timeout=timeout, match=lambda d: d["id"] == message_id)["d"]
    return d


@pytest.fixture
def previewing(make_server):
    return make_server(LINK_PREVIEWS="1", LINK_PREVIEW_ALLOW_PRIVATE="1", LINK_PREVIEW_TIMEOUT_MS="1500",
                       LINK_PREVIEW_MAX_BYTES="65536")


def test_a_link_becomes_an_embed_in_a_message_update(previewing, site):
    owner, ch, gw = setup(previewing)
    try:
        link = site.url("/page?x=1")
        m = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": f"look at {link} and <{site.url('/page-quiet')}>"}))
        assert m["embeds"] == [], "the answer does not wait for the fetch"
        d = previews(gw, m["id"])
        assert d["content"] == m["content"] and d["author"]["id"] == owner.id and d["channel_id"] == ch["id"]
        (e,) = d["embeds"]
        assert e["type"] == "article" and e["url"] == link and e["title"] == "A & B"
        assert e["description"] == "What the page is about" and e["provider"]["name"] == "Local Site"
        assert e["color"] == 0x112233
        assert e["thumbnail"]["url"] == site.url("/pic.png") and e["thumbnail"]["proxy_url"]
        assert d["edited_timestamp"] is None, "a preview is no edit"
        assert ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}"))["embeds"] == d["embeds"]
        assert site.seen("/page-quiet") == [], "<link> asks for no preview"
        # An image link is an image embed with its size.
        m = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": site.url("/pic.png")}))
        (e,) = previews(gw, m["id"])["embeds"]
        assert e["type"] == "image" and (e["thumbnail"]["width"], e["thumbnail"]["height"]) == (40, 30)
    finally:
        gw.close()


def test_sender_embeds_come_first_and_an_edit_fetches_its_new_links(previewing, site):
    owner, ch, gw = setup(previewing)
    try:
        m = ok(owner.post(f"/channels/{ch['id']}/messages",
                          {"content": site.url("/page-one"), "embeds": [{"title": "mine"}]}))
        d = previews(gw, m["id"])
        assert [e.get("title") for e in d["embeds"]] == ["mine", "A & B"]
        ok(owner.patch(f"/channels/{ch['id']}/messages/{m['id']}", {"content": "no link any more"}))
        edited = gw.expect("MESSAGE_UPDATE", match=lambda d: d["id"] == m["id"])["d"]
        assert [e.get("title") for e in edited["embeds"]] == ["mine"], "the old previews go with the old links"
        ok(owner.patch(f"/channels/{ch['id']}/messages/{m['id']}", {"content": site.url("/page-two")}))
        gw.expect("MESSAGE_UPDATE", match=lambda d: d["id"] == m["id"])
        d = previews(gw, m["id"])
        assert [e.get("url") for e in d["embeds"]][1:] == [site.url("/page-two")]
    finally:
        gw.close()


def test_suppressed_embeds_and_more_than_five_links(previewing, site):
    owner, ch, gw = setup(previewing)
    try:
        m = ok(owner.post(f"/channels/{ch['id']}/messages",
                          {"content": site.url("/page-suppressed"), "flags": SUPPRESS_EMBEDS}))
        links = " ".join(site.url(f"/page-{i}") for i in range(7))
        m2 = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": links}))
        d = previews(gw, m2["id"])
        assert [e["url"] for e in d["embeds"]] == [site.url(f"/page-{i}") for i in range(5)]
        assert sorted(site.seen("/page-")) == sorted(f"/page-{i}" for i in range(5)), site.requests
        assert site.seen("/page-suppressed") == []
        gw.none("MESSAGE_UPDATE", within=0.5, match=lambda d: d["id"] == m["id"])
    finally:
        gw.close()


def test_redirects_are_followed_and_each_target_checked(previewing, site):
    owner, ch, gw = setup(previewing)
    try:
        m = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": site.url("/redirect")}))
        (e,) = previews(gw, m["id"])["embeds"]
        assert e["url"] == site.url("/redirect") and e["title"] == "A & B"
        assert site.seen("/page-after-redirect")
        # 0.0.0.0 reaches this host: refused even for tests; so is a redirect out of http(s), and a loop.
        content = " ".join(site.url(p) for p in ("/redirect-to-zero", "/redirect-to-file", "/loop"))
        m = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": content}))
        gw.none("MESSAGE_UPDATE", within=2.5, match=lambda d: d["id"] == m["id"])
        assert site.seen("/redirect-to-zero") and site.seen("/redirect-to-file")
        assert site.seen("/page-behind-zero") == [], "the redirect's target was never asked"
        assert 1 <= len(site.seen("/loop")) <= 4, "at most 3 redirects are followed"
        assert ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}"))["embeds"] == []
    finally:
        gw.close()


def test_private_addresses_are_not_fetched_by_default(make_server, site):
    srv = make_server(LINK_PREVIEWS="1", LINK_PREVIEW_ALLOW_PRIVATE="0")
    owner, ch, gw = setup(srv)
    try:
        content = " ".join([site.url("/page-private"), f"http://localhost:{site.port}/page-localhost",
                            f"http://[::1]:{site.port}/page-v6", f"http://0.0.0.0:{site.port}/page-zero"])
        m = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": content}))
        gw.none("MESSAGE_UPDATE", within=2.5, match=lambda d: d["id"] == m["id"])
        assert site.requests == [], "no request reached the local server"
    finally:
        gw.close()


def test_a_huge_page_is_cut_off_and_a_slow_one_timed_out(previewing, site):
    owner, ch, gw = setup(previewing)
    try:
        start = time.time()
        m = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": site.url("/huge")}))
        (e,) = previews(gw, m["id"])["embeds"]
        assert e["title"] == "Huge", "the head is read; the rest is not"
        time.sleep(0.5)
        assert site.huge_written < (64 << 20), f"the server stopped reading ({site.huge_written} bytes sent)"
        m = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": site.url("/slow")}))
        (e,) = previews(gw, m["id"], timeout=8)["embeds"]
        assert e["title"] == "Slow", "what came before the deadline is kept"
        assert time.time() - start < 10
        assert ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}"))["id"] == m["id"]
    finally:
        gw.close()


def test_previews_are_off_unless_asked_for(server, site):
    owner, ch, gw = setup(server)
    try:
        m = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": site.url("/page-off")}))
        gw.none("MESSAGE_UPDATE", within=1.0, match=lambda d: d["id"] == m["id"])
        assert site.requests == []
    finally:
        gw.close()
