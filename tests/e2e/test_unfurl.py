"""Link previews (LINK_PREVIEWS=1) against a local web server: a message's links are fetched, their OpenGraph tags
become embeds and the message goes out again as MESSAGE_UPDATE; private addresses are refused unless
LINK_PREVIEW_ALLOW_PRIVATE=1 (and 0.0.0.0, which reaches this host, always), also behind a redirect; a huge page is
cut off at LINK_PREVIEW_MAX_BYTES and a slow one at LINK_PREVIEW_TIMEOUT_MS."""
import time

import pytest

from gateway_helpers import Gateway
from guild_helpers import general, make_guild, new_client, ok
from link_site import Site

SUPPRESS_EMBEDS = 1 << 2


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


def test_a_link_in_a_dm_is_previewed_for_both(previewing, site):
    owner, ch, gw = setup(previewing)
    friend = new_client(previewing, "friend")
    fgw = Gateway(previewing)
    try:
        fgw.identify(friend.token)
        dm = ok(owner.post("/users/@me/channels", {"recipient_id": friend.id}))
        m = ok(owner.post(f"/channels/{dm['id']}/messages", {"content": site.url("/page-dm")}))
        for g in (gw, fgw):
            (e,) = previews(g, m["id"])["embeds"]
            assert e["title"] == "A & B"
        assert ok(friend.get(f"/channels/{dm['id']}/messages/{m['id']}"))["embeds"][0]["url"] == site.url("/page-dm")
    finally:
        fgw.close()
        gw.close()
