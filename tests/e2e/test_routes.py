"""The newer routes the libraries call (paged pins, member roles, member search, one's own membership,
/gateway/bot), slowmode and member timeouts, against the real server and DynamoDB Local."""
import datetime
import time
import urllib.parse

import pytest
import requests

from gateway_helpers import Gateway
from guild_helpers import general, invite_code, join, make_guild, member_with, new_client, ok

SEND = 1 << 11
ADD_REACTIONS = 1 << 6
READ_HISTORY = 1 << 16
MANAGE_MESSAGES = 1 << 13
MANAGE_ROLES = 1 << 28
ADMINISTRATOR = 1 << 3
MODERATE_MEMBERS = 1 << 40
THUMBS = urllib.parse.quote("👍")


@pytest.fixture
def room(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    return owner, g, ch, invite_code(owner, ch["id"])


def post(client, ch, content="hi"):
    return client.post(f"/channels/{ch['id']}/messages", {"content": content})


def iso_in(seconds):
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)).isoformat()


def error(r, status, code):
    assert r.status_code == status, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    assert r.json()["code"] == code, r.text
    return r.json()


# ---- pins under /messages/pins ----

def test_paged_pins_shape_limit_and_before(room):
    owner, g, ch, _ = room
    ids = [ok(post(owner, ch, f"m{i}"))["id"] for i in range(3)]
    for mid in ids:
        ok(owner.put(f"/channels/{ch['id']}/messages/pins/{mid}"), 204)
        time.sleep(0.01)
    page = ok(owner.get(f"/channels/{ch['id']}/messages/pins"))
    assert page["has_more"] is False
    assert [i["message"]["id"] for i in page["items"]] == ids[::-1], "newest pin first"
    assert all(i["message"]["pinned"] for i in page["items"])
    assert all(isinstance(i["pinned_at"], str) for i in page["items"])
    first = ok(owner.get(f"/channels/{ch['id']}/messages/pins?limit=2"))
    assert [i["message"]["id"] for i in first["items"]] == ids[:0:-1] and first["has_more"] is True
    rest = ok(owner.get(f"/channels/{ch['id']}/messages/pins",
                        params={"before": first["items"][-1]["pinned_at"], "limit": 2}))
    assert [i["message"]["id"] for i in rest["items"]] == [ids[0]] and rest["has_more"] is False
    # the old routes see the same pins
    assert [m["id"] for m in ok(owner.get(f"/channels/{ch['id']}/pins"))] == ids[::-1]
    ok(owner.delete(f"/channels/{ch['id']}/messages/pins/{ids[1]}"), 204)
    left = ok(owner.get(f"/channels/{ch['id']}/messages/pins"))
    assert [i["message"]["id"] for i in left["items"]] == [ids[2], ids[0]]
    error(owner.get(f"/channels/{ch['id']}/messages/pins?limit=51"), 400, 50035)
    error(owner.get(f"/channels/{ch['id']}/messages/pins?before=yesterday"), 400, 50035)
    # a real message id still reads as one
    assert ok(owner.get(f"/channels/{ch['id']}/messages/{ids[0]}"))["id"] == ids[0]


def test_paged_pins_need_manage_messages_to_pin(room, server):
    owner, g, ch, code = room
    plain = member_with(server, owner, g["id"], code, SEND | READ_HISTORY, "plain")
    mid = ok(post(owner, ch))["id"]
    error(plain.put(f"/channels/{ch['id']}/messages/pins/{mid}"), 403, 50013)
    error(owner.put(f"/channels/{ch['id']}/messages/pins/1"), 404, 10008)
    assert ok(plain.get(f"/channels/{ch['id']}/messages/pins")) == {"items": [], "has_more": False}


# ---- clearing reactions ----

def test_clear_one_emoji_then_every_reaction(room, server):
    owner, g, ch, code = room
    friend = member_with(server, owner, g["id"], code, SEND | ADD_REACTIONS | READ_HISTORY, "friend")
    mid = ok(post(owner, ch))["id"]
    heart = urllib.parse.quote("❤")
    base = f"/channels/{ch['id']}/messages/{mid}/reactions"
    for who in (owner, friend):
        ok(who.put(f"{base}/{THUMBS}/@me"), 204)
        ok(who.put(f"{base}/{heart}/@me"), 204)
    error(friend.delete(f"{base}/{THUMBS}"), 403, 50013)
    gw = Gateway(server)
    try:
        gw.identify(owner.token)
        ok(owner.delete(f"{base}/{THUMBS}"), 204)
        ev = gw.expect("MESSAGE_REACTION_REMOVE_EMOJI")["d"]
        assert ev["message_id"] == mid and ev["emoji"]["name"] == "👍" and ev["guild_id"] == g["id"]
        left = ok(owner.get(f"/channels/{ch['id']}/messages/{mid}")).get("reactions", [])
        assert [(r["emoji"]["name"], r["count"]) for r in left] == [("❤", 2)]
        assert ok(owner.get(f"{base}/{THUMBS}")) == []
        ok(owner.delete(base), 204)
        assert gw.expect("MESSAGE_REACTION_REMOVE_ALL")["d"]["message_id"] == mid
    finally:
        gw.close()
    assert ok(owner.get(f"/channels/{ch['id']}/messages/{mid}")).get("reactions", []) == []
    ok(friend.put(f"{base}/{THUMBS}/@me"), 204)  # reacting again counts from zero
    assert [r["count"] for r in ok(owner.get(f"/channels/{ch['id']}/messages/{mid}"))["reactions"]] == [1]
    error(owner.delete(f"/channels/{ch['id']}/messages/1/reactions"), 404, 10008)


# ---- member roles, search, one's own membership ----

def test_add_and_remove_one_member_role(room, server):
    owner, g, ch, code = room
    friend = new_client(server, "friend")
    join(friend, code)
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "helper"}))
    path = f"/guilds/{g['id']}/members/{friend.id}/roles/{role['id']}"
    ok(owner.put(path), 204)
    ok(owner.put(path), 204)  # twice is once
    assert ok(owner.get(f"/guilds/{g['id']}/members/{friend.id}"))["roles"] == [role["id"]]
    ok(owner.delete(path), 204)
    assert ok(owner.get(f"/guilds/{g['id']}/members/{friend.id}"))["roles"] == []
    error(owner.put(f"/guilds/{g['id']}/members/{friend.id}/roles/1"), 404, 10011)
    error(owner.put(f"/guilds/{g['id']}/members/{friend.id}/roles/{g['id']}"), 404, 10011)
    error(owner.put(f"/guilds/{g['id']}/members/1/roles/{role['id']}"), 404, 10007)
    error(friend.put(path), 403, 50013)


def test_get_one_role(room, server):
    owner, g, ch, code = room
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "reader", "color": 255}))
    member = new_client(server, "member")
    join(member, code)
    got = ok(member.get(f"/guilds/{g['id']}/roles/{role['id']}"))
    assert got == role
    assert ok(member.get(f"/guilds/{g['id']}/roles/{g['id']}"))["name"] == "@everyone"
    error(member.get(f"/guilds/{g['id']}/roles/1"), 404, 10011)
    error(new_client(server, "stranger").get(f"/guilds/{g['id']}/roles/{role['id']}"), 404, 10004)


def test_role_route_keeps_the_hierarchy(room, server):
    owner, g, ch, code = room
    manager = member_with(server, owner, g["id"], code, MANAGE_ROLES, "manager")
    high = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "high"}))
    ok(owner.patch(f"/guilds/{g['id']}/roles", [{"id": high["id"], "position": 5}]))
    error(manager.put(f"/guilds/{g['id']}/members/{manager.id}/roles/{high['id']}"), 403, 50013)


def test_add_member_needs_oauth2_unless_a_member_already(room, server):
    owner, g, ch, code = room
    friend, outsider = new_client(server, "friend"), new_client(server, "outsider")
    join(friend, code)
    error(owner.put(f"/guilds/{g['id']}/members/{friend.id}", {}), 400, 50035)
    ok(owner.put(f"/guilds/{g['id']}/members/{friend.id}", {"access_token": "x"}), 204)
    r = owner.put(f"/guilds/{g['id']}/members/{outsider.id}", {"access_token": "x"})
    error(r, 400, 50025)  # no OAuth2 here yet: no access token is valid
    # "search" and "@me" are no user ids: another method there is 405
    assert owner.put(f"/guilds/{g['id']}/members/search", {"access_token": "x"}).status_code == 405
    assert owner.put(f"/guilds/{g['id']}/members/@me", {"access_token": "x"}).status_code == 405


def test_member_search(room, server):
    owner, g, ch, code = room
    stem = "srch" + str(int(time.time() * 1000) % 100000)
    friend = new_client(server, stem)
    join(friend, code)
    found = ok(owner.get(f"/guilds/{g['id']}/members/search", params={"query": stem.upper(), "limit": 10}))
    assert [m["user"]["id"] for m in found] == [friend.id]
    assert ok(owner.get(f"/guilds/{g['id']}/members/search", params={"query": "zzzz-nobody"})) == []
    error(owner.get(f"/guilds/{g['id']}/members/search"), 400, 50035)
    error(owner.get(f"/guilds/{g['id']}/members/search", params={"query": "a", "limit": 1001}), 400, 50035)
    stranger = new_client(server, "stranger")
    error(stranger.get(f"/guilds/{g['id']}/members/search", params={"query": "a"}), 404, 10004)


def test_own_membership(room, server):
    owner, g, ch, code = room
    me = ok(owner.get(f"/users/@me/guilds/{g['id']}/member"))
    assert me["user"]["id"] == owner.id and "joined_at" in me and me["communication_disabled_until"] is None
    stranger = new_client(server, "stranger")
    error(stranger.get(f"/users/@me/guilds/{g['id']}/member"), 404, 10004)


def test_current_application_under_both_paths(server):
    owner = new_client(server, "app")
    app = ok(owner.get("/applications/@me"))  # discord.js's client.application.fetch()
    assert app == ok(owner.get("/oauth2/applications/@me")) and app["id"] == owner.id


def test_gateway_bot(server):
    owner = new_client(server, "bot")
    body = ok(owner.get("/gateway/bot"))
    assert body["url"] == f"ws://{server.url('').split('://')[1].rstrip('/')}/gateway"
    assert body["shards"] == 1
    limit = body["session_start_limit"]
    assert set(limit) == {"total", "remaining", "reset_after", "max_concurrency"}
    assert limit["max_concurrency"] == 1 and 0 <= limit["remaining"] <= limit["total"]
    behind_tls = requests.get(server.url("/api/v10/gateway/bot"), timeout=10,
                              headers={"Authorization": owner.token, "X-Forwarded-Proto": "https"})
    assert behind_tls.json()["url"].startswith("wss://")
    assert requests.get(server.url("/api/v10/gateway/bot"), timeout=10).status_code == 401


# ---- slowmode ----

def test_slowmode_limits_members_not_moderators(room, server):
    owner, g, ch, code = room
    changed = ok(owner.patch(f"/channels/{ch['id']}", {"rate_limit_per_user": 2}))
    assert changed["rate_limit_per_user"] == 2
    assert ok(owner.get(f"/channels/{ch['id']}"))["rate_limit_per_user"] == 2
    member = member_with(server, owner, g["id"], code, SEND, "member")
    mod = member_with(server, owner, g["id"], code, SEND | MANAGE_MESSAGES, "mod")
    ok(post(member, ch, "one"))
    r = post(member, ch, "two")
    body = error(r, 429, 20016)
    assert body["message"] == "You are being rate limited." and body["global"] is False
    assert 0 < body["retry_after"] <= 2
    assert r.headers.get("Retry-After") and r.headers.get("Via")
    ok(post(mod, ch, "a"))
    ok(post(mod, ch, "b"))  # a moderator is not limited
    ok(post(owner, ch, "c"))
    ok(post(owner, ch, "d"))
    time.sleep(body["retry_after"] + 0.2)
    ok(post(member, ch, "three"))  # after the window it passes
    ok(owner.patch(f"/channels/{ch['id']}", {"rate_limit_per_user": 0}))
    ok(post(member, ch, "four"))


def test_slowmode_bounds(room):
    owner, g, ch, _ = room
    for bad in (-1, 21601, "fast", 1.5):
        error(owner.patch(f"/channels/{ch['id']}", {"rate_limit_per_user": bad}), 400, 50035)
    made = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "slow", "rate_limit_per_user": 21600}))
    assert made["rate_limit_per_user"] == 21600


# ---- timeouts ----

def test_timed_out_member_cannot_send_or_react_until_cleared(room, server):
    owner, g, ch, code = room
    member = member_with(server, owner, g["id"], code, SEND | ADD_REACTIONS | READ_HISTORY, "member")
    mid = ok(post(owner, ch))["id"]
    path = f"/guilds/{g['id']}/members/{member.id}"
    m = ok(owner.patch(path, {"communication_disabled_until": iso_in(600)}))
    assert m["communication_disabled_until"]
    assert ok(owner.get(path))["communication_disabled_until"] == m["communication_disabled_until"]
    error(post(member, ch), 403, 50013)
    error(member.put(f"/channels/{ch['id']}/messages/{mid}/reactions/{THUMBS}/@me"), 403, 50013)
    error(member.post(f"/channels/{ch['id']}/typing"), 403, 50013)
    error(member.post(f"/channels/{ch['id']}/invites", {}), 403, 50013)
    assert ok(member.get(f"/channels/{ch['id']}/messages"))  # reading stays
    cleared = ok(owner.patch(path, {"communication_disabled_until": None}))
    assert cleared["communication_disabled_until"] is None
    ok(post(member, ch))
    ok(member.put(f"/channels/{ch['id']}/messages/{mid}/reactions/{THUMBS}/@me"), 204)


def test_timeout_in_the_past_is_no_timeout(room, server):
    owner, g, ch, code = room
    member = member_with(server, owner, g["id"], code, SEND, "member")
    ok(owner.patch(f"/guilds/{g['id']}/members/{member.id}", {"communication_disabled_until": iso_in(-60)}))
    ok(post(member, ch))


def test_timeout_rules(room, server):
    owner, g, ch, code = room
    mod = member_with(server, owner, g["id"], code, MODERATE_MEMBERS, "mod")
    plain = member_with(server, owner, g["id"], code, SEND, "plain")
    admin = member_with(server, owner, g["id"], code, ADMINISTRATOR, "admin")
    # the owner cannot be timed out, nor an administrator
    error(admin.patch(f"/guilds/{g['id']}/members/{owner.id}", {"communication_disabled_until": iso_in(60)}),
          403, 50013)
    error(owner.patch(f"/guilds/{g['id']}/members/{admin.id}", {"communication_disabled_until": iso_in(60)}),
          403, 50013)
    # MODERATE_MEMBERS is needed
    error(plain.patch(f"/guilds/{g['id']}/members/{mod.id}", {"communication_disabled_until": iso_in(60)}),
          403, 50013)
    # at most 28 days ahead, and a timestamp
    error(owner.patch(f"/guilds/{g['id']}/members/{plain.id}",
                      {"communication_disabled_until": iso_in(28 * 86400 + 3600)}), 400, 50035)
    error(owner.patch(f"/guilds/{g['id']}/members/{plain.id}", {"communication_disabled_until": "soon"}), 400, 50035)
    error(owner.patch(f"/guilds/{g['id']}/members/{plain.id}", {"communication_disabled_until": 5}), 400, 50035)
    ok(mod.patch(f"/guilds/{g['id']}/members/{plain.id}", {"communication_disabled_until": iso_in(27 * 86400)}))
    error(post(plain, ch), 403, 50013)


def test_member_update_events_carry_the_timeout_and_the_role(room, server):
    owner, g, ch, code = room
    member = new_client(server, "member")
    join(member, code)
    gw = Gateway(server)
    try:
        gw.identify(owner.token)
        until = ok(owner.patch(f"/guilds/{g['id']}/members/{member.id}",
                               {"communication_disabled_until": iso_in(300)}))["communication_disabled_until"]
        upd = gw.expect("GUILD_MEMBER_UPDATE", match=lambda d: d["user"]["id"] == member.id)["d"]
        assert upd["communication_disabled_until"] == until and upd["guild_id"] == g["id"]
        role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "r"}))
        ok(owner.put(f"/guilds/{g['id']}/members/{member.id}/roles/{role['id']}"), 204)
        upd = gw.expect("GUILD_MEMBER_UPDATE", match=lambda d: role["id"] in d["roles"])["d"]
        assert upd["user"]["id"] == member.id
    finally:
        gw.close()


def test_discord_py_pins_roles_gateway_bot_and_waits_out_slowmode(room, server):
    """Stock discord.py's HTTP client on these routes; a slowmode 429 is a rate limit it waits out."""
    import asyncio

    import discord

    owner, g, ch, code = room
    member = new_client(server, "member")
    join(member, code)
    ok(owner.patch(f"/channels/{ch['id']}", {"rate_limit_per_user": 1}))
    mid = ok(post(owner, ch, "pin me"))["id"]
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "r"}))
    discord.http.Route.BASE = server.url("/api/v10")

    async def run():
        as_owner, as_member = discord.http.HTTPClient(asyncio.get_running_loop()), None
        try:
            await as_owner.static_login(owner.token)
            await as_owner.pin_message(ch["id"], mid)
            pins = await as_owner.pins_from(ch["id"])
            assert [i["message"]["id"] for i in pins["items"]] == [mid] and pins["has_more"] is False
            await as_owner.add_role(g["id"], member.id, role["id"])
            await as_owner.remove_role(g["id"], member.id, role["id"])
            shards, url, limit = await as_owner.get_bot_gateway()
            assert shards == 1 and url.startswith("ws://") and limit["max_concurrency"] == 1
            await as_owner.edit_member(g["id"], member.id, communication_disabled_until=None)
            as_member = discord.http.HTTPClient(asyncio.get_running_loop())
            await as_member.static_login(member.token)
            send = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=ch["id"])
            await as_member.request(send, json={"content": "one"})
            started = time.monotonic()
            await as_member.request(send, json={"content": "two"})  # a 429 first, then after the wait
            return time.monotonic() - started
        finally:
            await as_owner.close()
            if as_member:
                await as_member.close()

    waited = asyncio.run(run())
    assert waited >= 0.3, "the second message was held back by the slowmode"
    contents = [m["content"] for m in ok(owner.get(f"/channels/{ch['id']}/messages?limit=5"))]
    assert contents[:2] == ["two", "one"]
