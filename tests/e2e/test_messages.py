"""Messages against the real server and DynamoDB Local: send, history across buckets, replies, mentions,
nonces, edits, deletes, and the permission rules around them."""
import concurrent.futures
import datetime
import re
import time

import pytest

from conftest import ddb_call
from guild_helpers import VIEW_CHANNEL, general, invite_code, join, make_guild, member_with, new_client, ok, snapshot

EPOCH = 1420070400000
BUCKET_MS = 10 * 24 * 3600 * 1000
SEND = 1 << 11
MANAGE_MESSAGES = 1 << 13
READ_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17


def snowflake(unix_ms, seq=0):
    return str(((unix_ms - EPOCH) << 22) | (7 << 12) | seq)


@pytest.fixture
def room(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    code = invite_code(owner, ch["id"])
    return owner, g, ch, code


def send(client, channel_id, content, **extra):
    return ok(client.post(f"/channels/{channel_id}/messages", {"content": content, **extra}))


def history(client, channel_id, query=""):
    return ok(client.get(f"/channels/{channel_id}/messages{query}"))


def test_send_and_read_back(room):
    owner, g, ch, _ = room
    m = send(owner, ch["id"], "hello world")
    assert m["content"] == "hello world" and m["channel_id"] == ch["id"] and m["guild_id"] == g["id"]
    assert m["author"]["id"] == owner.id and m["type"] == 0 and m["edited_timestamp"] is None
    assert m["mentions"] == [] and m["mention_roles"] == [] and m["mention_everyone"] is False
    assert m["attachments"] == [] and m["embeds"] == [] and m["pinned"] is False
    # Discord's timestamp format, whole: clients parse it (this once lost its last character).
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", m["timestamp"]), m["timestamp"]
    assert abs(datetime.datetime.fromisoformat(m["timestamp"]).timestamp() - time.time()) < 60
    assert ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}")) == m
    assert history(owner, ch["id"]) == [m]
    assert ok(owner.get(f"/channels/{ch['id']}"))["last_message_id"] == m["id"]


@pytest.mark.parametrize("body,field", [({"content": ""}, "content"), ({"content": "x" * 2001}, "content"),
                                        ({}, "content"), ({"content": 5}, "content"),
                                        ({"content": "x", "nonce": "n" * 26}, "nonce"),
                                        ({"content": "x", "message_reference": {"message_id": "abc"}}, "message_reference"),
                                        ({"content": "x", "allowed_mentions": {"parse": ["nobody"]}}, "allowed_mentions")])
def test_send_validation(room, body, field):
    owner, _, ch, _ = room
    r = owner.post(f"/channels/{ch['id']}/messages", body)
    assert r.status_code == 400 and r.json()["code"] == 50035 and field in r.json()["errors"], r.text
    assert history(owner, ch["id"]) == []


def test_length_is_counted_in_characters_and_bad_utf8_refused(room):
    owner, _, ch, _ = room
    assert send(owner, ch["id"], "é" * 2000)["content"] == "é" * 2000
    import requests
    r = requests.post(owner.server.url(f"/api/v10/channels/{ch['id']}/messages"), data=b'{"content": "\xff\xfe"}',
                      headers={"Authorization": owner.token, "Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 400 and r.json()["code"] == 50109


def test_history_pages(room):
    owner, _, ch, _ = room
    ids = [send(owner, ch["id"], f"m{i}")["id"] for i in range(30)]
    assert [m["id"] for m in history(owner, ch["id"])] == ids[::-1], "default limit 50, newest first"
    first = [m["id"] for m in history(owner, ch["id"], "?limit=10")]
    assert first == ids[::-1][:10]
    second = [m["id"] for m in history(owner, ch["id"], f"?limit=10&before={first[-1]}")]
    assert second == ids[::-1][10:20]
    after = [m["id"] for m in history(owner, ch["id"], f"?limit=5&after={ids[3]}")]
    assert after == ids[4:9][::-1], "after: the next ones, newest first"
    around = [m["id"] for m in history(owner, ch["id"], f"?limit=5&around={ids[15]}")]
    assert around == ids[13:18][::-1]
    assert [m["id"] for m in history(owner, ch["id"], f"?limit=1&around={ids[15]}")] == [ids[15]]
    assert history(owner, ch["id"], f"?before={ids[0]}") == []
    assert history(owner, ch["id"], f"?after={ids[-1]}") == []
    assert len(history(owner, ch["id"], "?after=0&limit=100")) == 30
    for bad in ("?limit=0", "?limit=101", "?before=abc", "?after=-1"):
        assert owner.get(f"/channels/{ch['id']}/messages{bad}").status_code == 400, bad


def test_history_walks_buckets(server, dynamodb, room):
    """A channel made 60 days ago, with messages spread over several 10-day buckets (seeded in DynamoDB)."""
    owner, g, _, _ = room
    prefix = server.env["TABLE_PREFIX"]
    now = int(time.time() * 1000)
    cid = snowflake(now - 60 * 86400 * 1000)
    item = {"id": {"S": cid}, "guild_id": {"S": g["id"]}, "type": {"N": "0"}, "name": {"S": "old"},
            "position": {"N": "9"}, "permission_overwrites": {"M": {}}}
    assert ddb_call(dynamodb.endpoint, "PutItem", {"TableName": f"{prefix}channels", "Item": item})[0] == 200
    days = [59, 52, 47, 33, 31, 20, 12, 3, 0.01]
    seeded = []
    for i, d in enumerate(days):
        mid = snowflake(now - int(d * 86400 * 1000), i)
        bucket = ((int(mid) >> 22)) // BUCKET_MS
        msg = {"bucket_key": {"S": f"{cid}#{bucket}"}, "id": {"S": mid}, "channel_id": {"S": cid},
               "guild_id": {"S": g["id"]}, "author_id": {"S": owner.id}, "content": {"S": f"day {d}"},
               "timestamp": {"S": "2026-01-01T00:00:00.000000+00:00"}, "edited_timestamp": {"NULL": True},
               "mentions": {"L": []}, "mention_roles": {"L": []}, "mention_everyone": {"BOOL": False},
               "pinned": {"BOOL": False}, "type": {"N": "0"}}
        assert ddb_call(dynamodb.endpoint, "PutItem", {"TableName": f"{prefix}messages", "Item": msg})[0] == 200
        seeded.append(mid)
    buckets = {(int(m) >> 22) // BUCKET_MS for m in seeded}
    assert len(buckets) >= 5
    newest_first = seeded[::-1]
    assert [m["id"] for m in history(owner, cid, "?limit=100")] == newest_first
    pages, before = [], None
    while True:
        page = history(owner, cid, "?limit=2" + (f"&before={before}" if before else ""))
        if not page:
            break
        pages += [m["id"] for m in page]
        before = page[-1]["id"]
    assert pages == newest_first, "pages across empty and full buckets, no gaps, no repeats"
    assert [m["id"] for m in history(owner, cid, f"?limit=3&after={seeded[1]}")] == seeded[2:5][::-1]
    sent = send(owner, cid, "now")
    assert history(owner, cid, "?limit=1")[0]["id"] == sent["id"]


def test_replies(room, server):
    owner, g, ch, code = room
    first = send(owner, ch["id"], "question?")
    reply = send(owner, ch["id"], "answer", message_reference={"message_id": first["id"]})
    assert reply["type"] == 19 and reply["message_reference"]["message_id"] == first["id"]
    assert reply["referenced_message"]["id"] == first["id"]
    assert [m.get("referenced_message", {}) and m["referenced_message"]["id"] for m in history(owner, ch["id"])][0] == first["id"]
    r = owner.post(f"/channels/{ch['id']}/messages", {"content": "x", "message_reference": {"message_id": "1234567890123456789"}})
    assert r.status_code == 400 and "message_reference" in r.json()["errors"]
    loose = send(owner, ch["id"], "x", message_reference={"message_id": "1234567890123456789", "fail_if_not_exists": False})
    assert loose["type"] == 0
    ok(owner.patch(f"/guilds/{g['id']}/roles/{g['id']}", {"permissions": str(VIEW_CHANNEL | SEND)}))
    writer = member_with(server, owner, g["id"], code, None, "writer")
    assert writer.post(f"/channels/{ch['id']}/messages", {"content": "re", "message_reference": {"message_id": first["id"]}}).status_code == 403
    assert history(writer, ch["id"]) == [], "no READ_MESSAGE_HISTORY: the history is empty"
    assert writer.get(f"/channels/{ch['id']}/messages/{first['id']}").status_code == 403
    assert send(writer, ch["id"], "plain")["author"]["id"] == writer.id


def test_two_replies_to_one_message_leave_the_history_readable(room):
    """Found by schemathesis: the history asked DynamoDB for the replied-to message twice, which it refuses (500)."""
    owner, g, ch, code = room
    first = send(owner, ch["id"], "question?")
    for text in ("one answer", "another answer"):
        send(owner, ch["id"], text, message_reference={"message_id": first["id"]})
    page = history(owner, ch["id"])
    assert [m["content"] for m in page] == ["another answer", "one answer", "question?"]
    assert [m["referenced_message"]["id"] for m in page[:2]] == [first["id"], first["id"]]


def test_mentions(room, server):
    owner, g, ch, code = room
    friend = member_with(server, owner, g["id"], code, None, "friend")
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "team"}))
    m = send(owner, ch["id"], f"hi <@{friend.id}> and <@!{owner.id}> <@&{role['id']}> <@1234567890123456789> @everyone")
    assert sorted(u["id"] for u in m["mentions"]) == sorted([friend.id, owner.id]), "unknown users are left out"
    assert m["mention_roles"] == [role["id"]] and m["mention_everyone"] is True
    m = send(owner, ch["id"], f"<@{friend.id}> @here", allowed_mentions={"parse": []})
    assert m["mentions"] == [] and m["mention_everyone"] is False
    m = send(owner, ch["id"], f"<@{friend.id}> <@{owner.id}>", allowed_mentions={"users": [friend.id]})
    assert [u["id"] for u in m["mentions"]] == [friend.id]
    ok(owner.patch(f"/guilds/{g['id']}/roles/{g['id']}", {"permissions": str(VIEW_CHANNEL | SEND | READ_HISTORY)}))
    m = send(friend, ch["id"], "@everyone look")
    assert m["mention_everyone"] is False, "needs MENTION_EVERYONE"


def test_enforce_nonce_returns_the_first_message(room, server):
    owner, g, ch, code = room
    a = send(owner, ch["id"], "once", nonce="abc-123", enforce_nonce=True)
    b = send(owner, ch["id"], "once again", nonce="abc-123", enforce_nonce=True)
    assert b["id"] == a["id"] and b["content"] == "once" and b["nonce"] == "abc-123"
    c = send(owner, ch["id"], "without enforcement", nonce="abc-123")
    assert c["id"] != a["id"]
    other = member_with(server, owner, g["id"], code, None, "other")
    d = send(other, ch["id"], "theirs", nonce="abc-123", enforce_nonce=True)
    assert d["id"] != a["id"], "nonces are per author"
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: owner.post(f"/channels/{ch['id']}/messages",
                                                     {"content": "retry", "nonce": 4242, "enforce_nonce": True}), range(8)))
    assert {r.status_code for r in results} == {200}
    assert len({r.json()["id"] for r in results}) == 1, "concurrent retries make one message"
    assert sum(1 for m in history(owner, ch["id"], "?limit=100") if m["content"] == "retry") == 1


def test_edit_and_delete_rules(room, server):
    owner, g, ch, code = room
    plain = member_with(server, owner, g["id"], code, None, "plain")
    mod = member_with(server, owner, g["id"], code, MANAGE_MESSAGES, "mod")
    mine = send(plain, ch["id"], "typo")
    edited = ok(plain.patch(f"/channels/{ch['id']}/messages/{mine['id']}", {"content": f"fixed <@{owner.id}>"}))
    assert edited["content"] == f"fixed <@{owner.id}>" and edited["edited_timestamp"] is not None
    assert [u["id"] for u in edited["mentions"]] == [owner.id]
    r = owner.patch(f"/channels/{ch['id']}/messages/{mine['id']}", {"content": "hijack"})
    assert r.status_code == 403 and r.json()["code"] == 50005
    assert plain.patch(f"/channels/{ch['id']}/messages/{mine['id']}", {"content": ""}).status_code == 400
    theirs = send(owner, ch["id"], "owner's")
    before = history(owner, ch["id"])
    r = plain.delete(f"/channels/{ch['id']}/messages/{theirs['id']}")
    assert r.status_code == 403 and history(owner, ch["id"]) == before
    ok(mod.delete(f"/channels/{ch['id']}/messages/{theirs['id']}"), 204)
    ok(plain.delete(f"/channels/{ch['id']}/messages/{mine['id']}"), 204)
    assert owner.get(f"/channels/{ch['id']}/messages/{mine['id']}").status_code == 404
    assert owner.delete(f"/channels/{ch['id']}/messages/{mine['id']}").status_code == 404
    assert owner.get(f"/channels/{ch['id']}/messages/nope").status_code == 404


def test_bulk_delete(room, server, dynamodb):
    owner, g, ch, code = room
    ids = [send(owner, ch["id"], f"b{i}")["id"] for i in range(5)]
    plain = member_with(server, owner, g["id"], code, None, "plain")
    assert plain.post(f"/channels/{ch['id']}/messages/bulk-delete", {"messages": ids[:2]}).status_code == 403
    for body in ({"messages": ids[:1]}, {"messages": ids * 21}, {"messages": "x"}):
        assert owner.post(f"/channels/{ch['id']}/messages/bulk-delete", body).status_code == 400
    old = snowflake(int(time.time() * 1000) - 20 * 86400 * 1000)
    r = owner.post(f"/channels/{ch['id']}/messages/bulk-delete", {"messages": [ids[0], old]})
    assert r.status_code == 400 and r.json()["code"] == 50034
    ok(owner.post(f"/channels/{ch['id']}/messages/bulk-delete", {"messages": ids[:4] + ["1575050000000000000"]}), 204)
    assert [m["id"] for m in history(owner, ch["id"])] == [ids[4]]


def test_sending_needs_permission_and_changes_nothing_when_refused(room, server):
    owner, g, ch, code = room
    outsider = new_client(server, "outsider")
    muted = member_with(server, owner, g["id"], code, None, "muted")
    ok(owner.put(f"/channels/{ch['id']}/permissions/{muted.id}", {"type": 1, "deny": str(SEND)}), 204)
    send(owner, ch["id"], "before")
    state = history(owner, ch["id"])
    r = muted.post(f"/channels/{ch['id']}/messages", {"content": "let me talk"})
    assert r.status_code == 403 and r.json()["code"] == 50013
    assert outsider.post(f"/channels/{ch['id']}/messages", {"content": "hi"}).status_code == 404
    assert outsider.get(f"/channels/{ch['id']}/messages").status_code == 404
    assert history(owner, ch["id"]) == state
    cat = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "cat", "type": 4}), 201)
    r = owner.post(f"/channels/{cat['id']}/messages", {"content": "x"})
    assert r.status_code == 400 and r.json()["code"] == 50008


def test_deleted_channel_and_guild_leave_no_message_readable(room):
    owner, g, ch, _ = room
    m = send(owner, ch["id"], "soon gone")
    other = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "other"}), 201)
    m2 = send(owner, other["id"], "also gone")
    ok(owner.delete(f"/channels/{other['id']}"))
    assert owner.get(f"/channels/{other['id']}/messages").status_code == 404
    assert owner.get(f"/channels/{other['id']}/messages/{m2['id']}").status_code == 404
    ok(owner.delete(f"/guilds/{g['id']}"), 204)
    assert owner.get(f"/channels/{ch['id']}/messages").status_code == 404
    assert owner.get(f"/channels/{ch['id']}/messages/{m['id']}").status_code == 404
