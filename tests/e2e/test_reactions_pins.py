"""Reactions and pins against the real server and DynamoDB Local."""
import concurrent.futures
import urllib.parse

import pytest

from emoji_helpers import make_emoji
from guild_helpers import VIEW_CHANNEL, general, invite_code, join, make_guild, member_with, new_client, ok

SEND = 1 << 11
ADD_REACTIONS = 1 << 6
READ_HISTORY = 1 << 16
MANAGE_MESSAGES = 1 << 13
THUMBS = urllib.parse.quote("👍")
HASH_KEYCAP = urllib.parse.quote("#️⃣")


@pytest.fixture
def room(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    return owner, g, ch, invite_code(owner, ch["id"])


def post(client, ch, content="hi"):
    return ok(client.post(f"/channels/{ch['id']}/messages", {"content": content}))


def reactions_of(client, ch, mid):
    return ok(client.get(f"/channels/{ch['id']}/messages/{mid}")).get("reactions", [])


def test_react_count_me_and_users(room, server):
    owner, g, ch, code = room
    friend = member_with(server, owner, g["id"], code, None, "friend")
    m = post(owner, ch)
    base = f"/channels/{ch['id']}/messages/{m['id']}/reactions"
    ok(owner.put(f"{base}/{THUMBS}/@me"), 204)
    ok(owner.put(f"{base}/{THUMBS}/@me"), 204)  # twice counts once
    ok(friend.put(f"{base}/{THUMBS}/@me"), 204)
    ok(friend.put(f"{base}/{HASH_KEYCAP}/@me"), 204)
    party = make_emoji(owner, g["id"], "party")
    ok(friend.put(f"{base}/party:{party['id']}/@me"), 204)
    mine = {r["emoji"]["name"]: r for r in reactions_of(owner, ch, m["id"])}
    assert mine["👍"]["count"] == 2 and mine["👍"]["me"] is True and mine["👍"]["emoji"]["id"] is None
    assert mine["#️⃣"]["count"] == 1 and mine["#️⃣"]["me"] is False
    assert mine["party"]["emoji"]["id"] == party["id"]
    theirs = {r["emoji"]["name"]: r["me"] for r in reactions_of(friend, ch, m["id"])}
    assert theirs == {"👍": True, "#️⃣": True, "party": True}
    users = ok(owner.get(f"{base}/{THUMBS}"))
    assert sorted(u["id"] for u in users) == sorted([owner.id, friend.id])
    first = ok(owner.get(f"{base}/{THUMBS}?limit=1"))
    rest = ok(owner.get(f"{base}/{THUMBS}?after={first[0]['id']}"))
    assert [u["id"] for u in first + rest] == sorted([owner.id, friend.id], key=int)
    assert ok(owner.get(f"{base}/{HASH_KEYCAP}")) == [{**ok(friend.get(f"/users/{friend.id}"))}]
    ok(owner.delete(f"{base}/{THUMBS}/@me"), 204)
    ok(owner.delete(f"{base}/{THUMBS}/@me"), 204)  # removing twice is fine
    mine = {r["emoji"]["name"]: r for r in reactions_of(owner, ch, m["id"])}
    assert mine["👍"]["count"] == 1 and mine["👍"]["me"] is False
    history = ok(owner.get(f"/channels/{ch['id']}/messages"))
    assert {r["emoji"]["name"] for r in history[0]["reactions"]} == {"👍", "#️⃣", "party"}


def test_concurrent_reactions_count_exactly(room, server):
    owner, g, ch, code = room
    crowd = [member_with(server, owner, g["id"], code, None, "crowd") for _ in range(12)]
    m = post(owner, ch)
    path = f"/channels/{ch['id']}/messages/{m['id']}/reactions/{THUMBS}/@me"
    with concurrent.futures.ThreadPoolExecutor(24) as pool:
        results = list(pool.map(lambda c: c.put(path), crowd + crowd))  # everyone twice, at once
    assert {r.status_code for r in results} == {204}
    assert reactions_of(owner, ch, m["id"])[0]["count"] == 12
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        list(pool.map(lambda c: c.delete(path), crowd[:5]))
    assert reactions_of(owner, ch, m["id"])[0]["count"] == 7


def test_reaction_permissions(room, server):
    owner, g, ch, code = room
    ok(owner.patch(f"/guilds/{g['id']}/roles/{g['id']}", {"permissions": str(VIEW_CHANNEL | SEND | READ_HISTORY)}))
    plain = member_with(server, owner, g["id"], code, None, "plain")
    mod = member_with(server, owner, g["id"], code, MANAGE_MESSAGES, "mod")
    m = post(owner, ch)
    base = f"/channels/{ch['id']}/messages/{m['id']}/reactions"
    r = plain.put(f"{base}/{THUMBS}/@me")
    assert r.status_code == 403, "a new emoji needs ADD_REACTIONS"
    assert reactions_of(owner, ch, m["id"]) == []
    ok(owner.put(f"{base}/{THUMBS}/@me"), 204)
    ok(plain.put(f"{base}/{THUMBS}/@me"), 204)  # joining an existing reaction needs only history
    assert plain.delete(f"{base}/{THUMBS}/{owner.id}").status_code == 403
    ok(mod.delete(f"{base}/{THUMBS}/{owner.id}"), 204)
    assert reactions_of(owner, ch, m["id"])[0]["count"] == 1
    assert owner.put(f"/channels/{ch['id']}/messages/1234567890123456789/reactions/{THUMBS}/@me").status_code == 404
    assert owner.put(f"{base}/{'x' * 65}/@me").status_code == 400


def test_pins(room, server):
    owner, g, ch, code = room
    plain = member_with(server, owner, g["id"], code, None, "plain")
    a, b = post(owner, ch, "first"), post(owner, ch, "second")
    assert plain.put(f"/channels/{ch['id']}/pins/{a['id']}").status_code == 403
    ok(owner.put(f"/channels/{ch['id']}/pins/{a['id']}"), 204)
    ok(owner.put(f"/channels/{ch['id']}/pins/{b['id']}"), 204)
    ok(owner.put(f"/channels/{ch['id']}/pins/{b['id']}"), 204)  # pinning twice is fine
    pins = ok(plain.get(f"/channels/{ch['id']}/pins"))
    assert [p["id"] for p in pins] == [b["id"], a["id"]] and all(p["pinned"] for p in pins)
    assert ok(owner.get(f"/channels/{ch['id']}/messages/{a['id']}"))["pinned"] is True
    ok(owner.delete(f"/channels/{ch['id']}/pins/{a['id']}"), 204)
    assert [p["id"] for p in ok(owner.get(f"/channels/{ch['id']}/pins"))] == [b["id"]]
    assert owner.put(f"/channels/{ch['id']}/pins/1234567890123456789").status_code == 404


def test_at_most_fifty_pins(room):
    owner, g, ch, _ = room
    ids = [post(owner, ch, f"p{i}")["id"] for i in range(51)]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda mid: owner.put(f"/channels/{ch['id']}/pins/{mid}"), ids))
    codes = [r.status_code for r in results]
    assert codes.count(204) == 50 and codes.count(400) == 1, codes
    refused = [r for r in results if r.status_code == 400][0]
    assert refused.json()["code"] == 30003
    assert len(ok(owner.get(f"/channels/{ch['id']}/pins"))) == 50
