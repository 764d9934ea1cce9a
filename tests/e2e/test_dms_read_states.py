"""Direct messages, group DMs and read states against the real server and DynamoDB Local."""
import concurrent.futures

from guild_helpers import general, invite_code, make_guild, member_with, new_client, ok


def send(client, channel_id, content):
    return ok(client.post(f"/channels/{channel_id}/messages", {"content": content}))


def test_one_dm_per_pair_and_messages_in_it(server):
    a, b, c = new_client(server, "a"), new_client(server, "b"), new_client(server, "c")
    dm = ok(a.post("/users/@me/channels", {"recipient_id": b.id}))
    assert dm["type"] == 1 and [u["id"] for u in dm["recipients"]] == [b.id]
    again = ok(b.post("/users/@me/channels", {"recipient_id": a.id}))
    assert again["id"] == dm["id"] and [u["id"] for u in again["recipients"]] == [a.id]
    m = send(a, dm["id"], "psst")
    assert "guild_id" not in m and m["author"]["id"] == a.id
    assert [x["content"] for x in ok(b.get(f"/channels/{dm['id']}/messages"))] == ["psst"]
    reply = send(b, dm["id"], "what")
    assert ok(a.get(f"/channels/{dm['id']}"))["last_message_id"] == reply["id"]
    assert c.get(f"/channels/{dm['id']}").status_code == 404
    assert c.get(f"/channels/{dm['id']}/messages").status_code == 404
    assert c.post(f"/channels/{dm['id']}/messages", {"content": "let me in"}).status_code == 404
    assert b.delete(f"/channels/{dm['id']}/messages/{m['id']}").status_code == 403, "no moderation in DMs"
    ok(a.delete(f"/channels/{dm['id']}/messages/{m['id']}"), 204)
    assert [x["id"] for x in ok(a.get("/users/@me/channels"))] == [dm["id"]]
    assert ok(c.get("/users/@me/channels")) == []


def test_dm_created_once_under_a_race(server):
    a, b = new_client(server, "a"), new_client(server, "b")
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda i: (a if i % 2 else b).post("/users/@me/channels",
                                                                   {"recipient_id": b.id if i % 2 else a.id}), range(10)))
    assert {r.status_code for r in results} == {200}
    assert len({r.json()["id"] for r in results}) == 1
    assert len(ok(a.get("/users/@me/channels"))) == 1 and len(ok(b.get("/users/@me/channels"))) == 1


def test_group_dm(server):
    owner, *others = [new_client(server, f"g{i}") for i in range(4)]
    outsider = new_client(server, "out")
    group = ok(owner.post("/users/@me/channels", {"recipients": [o.id for o in others]}))
    assert group["type"] == 3 and group["owner_id"] == owner.id
    assert sorted(u["id"] for u in group["recipients"]) == sorted(o.id for o in others)
    send(others[2], group["id"], "hello all")
    assert ok(owner.get(f"/channels/{group['id']}/messages"))[0]["content"] == "hello all"
    assert outsider.get(f"/channels/{group['id']}/messages").status_code == 404
    for body in ({"recipients": []}, {"recipients": ["x"]}, {"recipients": [str(10 ** 18 + i) for i in range(10)]},
                 {"recipient_id": "abc"}, {}):
        assert owner.post("/users/@me/channels", body).status_code == 400, body
    r = owner.post("/users/@me/channels", {"recipient_id": "1234567890123456789"})
    assert r.status_code == 400 and r.json()["code"] == 50033
    assert owner.post("/users/@me/channels", {"recipient_id": owner.id}).status_code == 400


def test_read_states(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    reader = member_with(server, owner, g["id"], invite_code(owner, ch["id"]), None, "reader")
    send(owner, ch["id"], "plain")
    m2 = send(owner, ch["id"], f"hey <@{reader.id}>")
    m3 = send(owner, ch["id"], f"again <@{reader.id}>")
    mine = {c["id"]: c for c in ok(reader.get(f"/guilds/{g['id']}/channels"))}[ch["id"]]
    assert mine["last_message_id"] == m3["id"] and mine["last_read_message_id"] is None
    assert mine["mention_count"] == 2
    assert ok(reader.post(f"/channels/{ch['id']}/messages/{m3['id']}/ack")) == {"token": None}
    mine = ok(reader.get(f"/channels/{ch['id']}"))
    assert mine["last_read_message_id"] == m3["id"] and mine["mention_count"] == 0
    ok(reader.post(f"/channels/{ch['id']}/messages/{m2['id']}/ack"))
    assert ok(reader.get(f"/channels/{ch['id']}"))["last_read_message_id"] == m3["id"], "an ack never goes back"
    assert ok(owner.get(f"/channels/{ch['id']}"))["mention_count"] == 0, "read states are per user"
    assert reader.post(f"/channels/{ch['id']}/messages/1234567890123456789/ack").status_code == 404
    m4 = send(owner, ch["id"], "soon gone")
    assert owner.delete(f"/channels/{ch['id']}/messages/{m4['id']}").status_code == 204
    assert ok(reader.get(f"/channels/{ch['id']}"))["last_message_id"] == m4["id"]
    assert ok(reader.post(f"/channels/{ch['id']}/messages/{m4['id']}/ack")) == {"token": None}, \
        "the channel's last message id is acked even when that message was deleted"
    assert ok(reader.get(f"/channels/{ch['id']}"))["last_read_message_id"] == m4["id"]
    a, b = new_client(server, "a"), new_client(server, "b")
    dm = ok(a.post("/users/@me/channels", {"recipient_id": b.id}))
    send(a, dm["id"], "one")
    send(a, dm["id"], "two")
    assert ok(b.get("/users/@me/channels"))[0]["mention_count"] == 2, "every DM message counts for the other side"
    assert ok(a.get("/users/@me/channels"))[0]["mention_count"] == 0
