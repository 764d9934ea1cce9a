"""The server keeps users, guilds, channels and members in a read cache (db/cache). Every change must be seen by
the very next request: each test here first makes the server read (and cache) what it then changes."""
from guild_helpers import VIEW_CHANNEL, general, invite_code, join, make_guild, member_with, new_client, ok

SEND = 1 << 11


def send(client, channel_id, content="hello"):
    return client.post(f"/channels/{channel_id}/messages", {"content": content})


def test_kicked_member_is_refused_at_once(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    m = new_client(server, "member")
    join(m, invite_code(owner, ch["id"]))
    for _ in range(3):
        ok(send(m, ch["id"]))
    ok(owner.delete(f"/guilds/{g['id']}/members/{m.id}"), 204)
    r = send(m, ch["id"])
    assert r.status_code == 404 and r.json()["code"] == 10003, r.text


def test_revoked_permission_applies_to_the_next_message(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    code = invite_code(owner, ch["id"])
    m = member_with(server, owner, g["id"], code, SEND)
    ok(owner.patch(f"/guilds/{g['id']}/roles/{g['id']}", {"permissions": str(VIEW_CHANNEL)}))
    ok(send(m, ch["id"]))
    ok(owner.patch(f"/guilds/{g['id']}/roles/{m.role['id']}", {"permissions": str(VIEW_CHANNEL)}))
    r = send(m, ch["id"])
    assert r.status_code == 403 and r.json()["code"] == 50013, r.text
    ok(owner.put(f"/channels/{ch['id']}/permissions/{m.id}", {"type": 1, "allow": str(SEND), "deny": "0"}), 204)
    ok(send(m, ch["id"]))
    ok(owner.put(f"/channels/{ch['id']}/permissions/{m.id}", {"type": 1, "allow": "0", "deny": str(VIEW_CHANNEL)}),
       204)
    assert send(m, ch["id"]).status_code == 404


def test_renamed_author_shows_in_the_next_message(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    first = ok(send(owner, ch["id"]))
    assert first["author"]["global_name"] is None
    ok(owner.patch("/users/@me", {"global_name": "Renamed"}))
    assert ok(send(owner, ch["id"]))["author"]["global_name"] == "Renamed"
    assert ok(owner.get(f"/channels/{ch['id']}/messages/{first['id']}"))["author"]["global_name"] == "Renamed"


def test_channel_reads_follow_every_kind_of_write(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    m1 = ok(send(owner, ch["id"]))
    assert ok(owner.get(f"/channels/{ch['id']}"))["last_message_id"] == m1["id"]
    m2 = ok(send(owner, ch["id"]))
    assert ok(owner.get(f"/channels/{ch['id']}"))["last_message_id"] == m2["id"]
    ok(owner.patch(f"/channels/{ch['id']}", {"name": "renamed", "topic": "t"}))
    got = ok(owner.get(f"/channels/{ch['id']}"))
    assert (got["name"], got["topic"], got["last_message_id"]) == ("renamed", "t", m2["id"])
    ok(owner.delete(f"/channels/{ch['id']}"))
    assert owner.get(f"/channels/{ch['id']}").status_code == 404
    assert send(owner, ch["id"]).status_code == 404


def test_deleted_guild_is_gone_for_the_next_request(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    ok(send(owner, ch["id"]))
    ok(owner.delete(f"/guilds/{g['id']}"), 204)
    assert owner.get(f"/guilds/{g['id']}").status_code == 404
    assert send(owner, ch["id"]).status_code == 404
