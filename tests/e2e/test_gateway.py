"""The gateway against the real server: identify/ready, heartbeats and the watchdog, resume with replay, close
codes, permission and intent filtering, with real WebSocket clients."""
import json
import time

import pytest
import websocket

from gateway_helpers import ALL_INTENTS, Gateway
from guild_helpers import VIEW_CHANNEL, general, invite_code, join, make_guild, new_client, ok

GUILD_MESSAGES = 1 << 9
MESSAGE_CONTENT = 1 << 15


@pytest.fixture
def gw_server(make_server):
    return make_server(GATEWAY_HEARTBEAT_MS="1000")


@pytest.fixture
def room(gw_server):
    owner = new_client(gw_server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    member = new_client(gw_server, "member")
    join(member, invite_code(owner, ch["id"]))
    return gw_server, owner, member, g, ch


def test_gateway_url_endpoints(gw_server):
    owner = new_client(gw_server)
    r = ok(owner.get("/gateway"))
    assert r["url"] == f"ws://127.0.0.1:{gw_server.port}/gateway"
    bot = ok(owner.get("/gateway/bot"))
    assert bot["shards"] == 1 and bot["session_start_limit"]["max_concurrency"] == 1
    assert gw_server.get("/api/v10/gateway/bot").status_code == 401


def test_hello_identify_ready_and_guild_create(room):
    srv, owner, member, g, ch = room
    gw = Gateway(srv)
    assert gw.hello["op"] == 10 and gw.hello["d"]["heartbeat_interval"] == 1000
    gw.send(2, {"token": member.token, "intents": ALL_INTENTS, "properties": {}})
    ready = gw.expect("READY")
    d = ready["d"]
    assert d["v"] == 10 and d["user"]["id"] == member.id and d["session_id"] and d["resume_gateway_url"]
    assert d["guilds"] == [{"id": g["id"], "unavailable": True}]
    # Where the client found the socket (not the address the server binds, which may be 0.0.0.0).
    assert d["resume_gateway_url"] == f"ws://127.0.0.1:{srv.port}/gateway"
    created = gw.expect("GUILD_CREATE")["d"]
    assert created["id"] == g["id"] and created["name"] == g["name"]
    assert ch["id"] in [c["id"] for c in created["channels"]]
    # A small guild, and the GUILD_PRESENCES intent: every member is listed, as Discord does.
    assert sorted(m["user"]["id"] for m in created["members"]) == sorted([owner.id, member.id])
    assert ready["s"] == 1 and created and gw.seq >= 2
    gw.send(1, gw.seq)
    ops = [gw.recv()["op"] for _ in range(3)]  # dispatches (presence) may come first
    assert 11 in ops
    gw.close()


def test_message_events_reach_members_live(room):
    srv, owner, member, g, ch = room
    gw = Gateway(srv)
    gw.identify(member.token)
    sent = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "hello <@%s>" % member.id}))
    got = gw.expect("MESSAGE_CREATE")["d"]
    assert got["id"] == sent["id"] and got["content"] == sent["content"] and got["guild_id"] == g["id"]
    ok(owner.patch(f"/channels/{ch['id']}/messages/{sent['id']}", {"content": "edited"}))
    assert gw.expect("MESSAGE_UPDATE")["d"]["content"] == "edited"
    ok(member.put(f"/channels/{ch['id']}/messages/{sent['id']}/reactions/%F0%9F%91%8D/@me"), 204)
    react = gw.expect("MESSAGE_REACTION_ADD")["d"]
    assert react["user_id"] == member.id and react["message_id"] == sent["id"] and react["guild_id"] == g["id"]
    ok(owner.delete(f"/channels/{ch['id']}/messages/{sent['id']}"), 204)
    assert gw.expect("MESSAGE_DELETE")["d"] == {"id": sent["id"], "channel_id": ch["id"], "guild_id": g["id"]}
    ok(member.post(f"/channels/{ch['id']}/typing"), 204)
    typing = gw.expect("TYPING_START")["d"]
    assert typing["user_id"] == member.id and typing["channel_id"] == ch["id"] and typing["guild_id"] == g["id"]
    gw.close()


def test_sequence_numbers_increase_by_one(room):
    srv, owner, member, g, ch = room
    gw = Gateway(srv)
    gw.identify(member.token)
    seqs = []
    for i in range(5):
        ok(owner.post(f"/channels/{ch['id']}/messages", {"content": f"m{i}"}))
        seqs.append(gw.expect("MESSAGE_CREATE")["s"])
    assert seqs == list(range(seqs[0], seqs[0] + 5))


def test_member_without_view_channel_receives_nothing_from_it(room):
    srv, owner, member, g, ch = room
    gw = Gateway(srv)
    gw.identify(member.token)
    ok(owner.put(f"/channels/{ch['id']}/permissions/{member.id}",
                 {"type": 1, "allow": "0", "deny": str(VIEW_CHANNEL)}), 204)
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "secret"}))
    gw.none("MESSAGE_CREATE", within=1.5)
    ok(owner.delete(f"/channels/{ch['id']}/permissions/{member.id}"), 204)
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "public again"}))
    assert gw.expect("MESSAGE_CREATE")["d"]["content"] == "public again"


def test_outsiders_get_nothing_and_kicked_members_lose_the_guild(room):
    srv, owner, member, g, ch = room
    outsider = new_client(srv, "outsider")
    out = Gateway(srv)
    assert out.identify(outsider.token)["d"]["guilds"] == []
    gw = Gateway(srv)
    gw.identify(member.token)
    ok(owner.delete(f"/guilds/{g['id']}/members/{member.id}"), 204)
    assert gw.expect("GUILD_DELETE")["d"]["id"] == g["id"]
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "after the kick"}))
    gw.none("MESSAGE_CREATE", within=1.0)
    out.none("MESSAGE_CREATE", within=0.2)


def test_joining_sends_guild_create(gw_server):
    owner = new_client(gw_server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    newcomer = new_client(gw_server, "newcomer")
    gw = Gateway(gw_server)
    gw.identify(newcomer.token)
    join(newcomer, invite_code(owner, ch["id"]))
    assert gw.expect("GUILD_CREATE")["d"]["id"] == g["id"]
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "welcome"}))
    assert gw.expect("MESSAGE_CREATE")["d"]["content"] == "welcome"


def test_intents_filter_and_message_content(room):
    srv, owner, member, g, ch = room
    no_messages = Gateway(srv)
    no_messages.identify(member.token, intents=1)  # GUILDS only
    no_content = Gateway(srv)
    no_content.identify(member.token, intents=1 | GUILD_MESSAGES)
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "plain"}))
    assert no_content.expect("MESSAGE_CREATE")["d"]["content"] == ""
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "for <@%s>" % member.id}))
    assert no_content.expect("MESSAGE_CREATE")["d"]["content"] == "for <@%s>" % member.id
    no_messages.none("MESSAGE_CREATE", within=0.5)


def test_dm_messages_reach_only_the_recipients(gw_server):
    a, b, c = (new_client(gw_server, n) for n in ("dma", "dmb", "dmc"))
    dm = ok(a.post("/users/@me/channels", {"recipient_id": b.id}))
    gb, gc = Gateway(gw_server), Gateway(gw_server)
    gb.identify(b.token)
    gc.identify(c.token)
    ok(a.post(f"/channels/{dm['id']}/messages", {"content": "psst"}))
    got = gb.expect("MESSAGE_CREATE")["d"]
    assert got["content"] == "psst" and "guild_id" not in got
    gc.none("MESSAGE_CREATE", within=0.5)


def test_heartbeat_watchdog_closes_silent_sessions(room):
    srv, owner, member, g, ch = room
    gw = Gateway(srv, heartbeat=False)
    gw.identify(member.token)
    started = time.time()
    assert gw.close_code(timeout=5) == 4009
    assert time.time() - started < 3.5  # 1.5 intervals of 1 s, checked every quarter interval


def test_resume_replays_missed_dispatches_in_order(room):
    srv, owner, member, g, ch = room
    gw = Gateway(srv)
    gw.identify(member.token)
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "before"}))
    gw.expect("MESSAGE_CREATE")
    seq, sid = gw.seq, gw.session_id
    gw.stopped.set()
    gw.ws.sock.close()  # dropped, no close frame: resumable
    sent = [ok(owner.post(f"/channels/{ch['id']}/messages", {"content": f"missed {i}"}))["id"] for i in range(3)]
    again = Gateway(srv)
    again.send(6, {"token": member.token, "session_id": sid, "seq": seq})
    replayed = [again.expect("MESSAGE_CREATE") for _ in sent]
    assert [m["d"]["id"] for m in replayed] == sent
    assert [m["s"] for m in replayed] == [seq + 1, seq + 2, seq + 3]
    again.expect("RESUMED")
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "live"}))
    assert again.expect("MESSAGE_CREATE")["d"]["content"] == "live"


def test_resume_of_unknown_session_or_by_another_user_is_invalid(room):
    srv, owner, member, g, ch = room
    gw = Gateway(srv)
    gw.identify(member.token)
    sid, seq = gw.session_id, gw.seq
    gw.stopped.set()
    gw.ws.sock.close()
    for token, session in ((member.token, "nope"), (owner.token, sid)):
        other = Gateway(srv)
        other.send(6, {"token": token, "session_id": session, "seq": seq})
        msg = other.recv()
        assert msg["op"] == 9 and msg["d"] is False
        other.close()
    ok_again = Gateway(srv)  # the real owner can still resume it
    ok_again.send(6, {"token": member.token, "session_id": sid, "seq": seq})
    ok_again.expect("RESUMED")


@pytest.mark.parametrize("payload, code", [
    ("not json", 4002),
    (json.dumps({"op": 99, "d": None}), 4001),
    (json.dumps({"op": 3, "d": {"status": "online", "since": None, "activities": [], "afk": False}}), 4003),
    (json.dumps({"op": 2, "d": {"token": "bad.token.here", "intents": 1, "properties": {}}}), 4004),
    (json.dumps({"op": 2, "d": {"token": "x", "intents": 1 << 40, "properties": {}}}), 4013),
])
def test_bad_payloads_get_discord_close_codes(gw_server, payload, code):
    gw = Gateway(gw_server)
    gw.ws.send(payload)
    assert gw.close_code() == code


def test_identify_twice_and_bad_version(room):
    srv, owner, member, g, ch = room
    gw = Gateway(srv)
    gw.identify(member.token)
    gw.send(2, {"token": member.token, "intents": 1, "properties": {}})
    assert gw.close_code() == 4005
    bad = websocket.create_connection(f"ws://127.0.0.1:{srv.port}/gateway?v=3&encoding=json", timeout=10)
    op, data = bad.recv_data(control_frame=True)
    assert op == websocket.ABNF.OPCODE_CLOSE and int.from_bytes(data[:2], "big") == 4012


def test_rate_limit_closes_with_4008(gw_server):
    gw = Gateway(gw_server)
    for _ in range(121):
        try:
            gw.send(1, None)
        except websocket.WebSocketException:
            break
    assert gw.close_code() == 4008


def test_plain_http_to_the_socket_path_is_refused(gw_server):
    r = gw_server.get("/gateway")
    assert r.status_code == 400 and r.json()["message"].startswith("400")


def test_presence_reaches_guild_members(room):
    srv, owner, member, g, ch = room
    watcher = Gateway(srv)
    watcher.identify(owner.token)
    gw = Gateway(srv)
    gw.identify(member.token)
    assert watcher.expect("PRESENCE_UPDATE", match=lambda d: d["user"]["id"] == member.id)["d"]["status"] == "online"
    gw.send(3, {"since": None, "activities": [], "status": "dnd", "afk": False})
    assert watcher.expect("PRESENCE_UPDATE", match=lambda d: d["user"]["id"] == member.id)["d"]["status"] == "dnd"
    gw.ws.close()  # a clean close ends the session: offline
    assert watcher.expect("PRESENCE_UPDATE", match=lambda d: d["user"]["id"] == member.id)["d"]["status"] == "offline"


def test_a_slow_consumer_is_closed_resumably_and_resumes(make_server):
    """A session that stops reading is cut off once its outgoing queue passes the limit, instead of growing the
    server's memory; it then resumes and gets what it missed, in order."""
    import socket

    srv = make_server(GATEWAY_HEARTBEAT_MS="5000", GATEWAY_MAX_QUEUED_BYTES="32768")
    owner = new_client(srv, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    slow = Gateway(srv, sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
    slow.identify(owner.token)
    # It keeps its heartbeats going but reads nothing while the messages pile up.
    sent = []
    for i in range(150):
        sent.append(ok(owner.post(f"/channels/{ch['id']}/messages", {"content": f"{i:04d} " + "x" * 1900}))["id"])
    # Reading now: some of the messages, then the end of the connection (the server gave up on it).
    got = []
    slow.ws.settimeout(5)
    while True:
        try:
            text = slow.ws.recv()
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            break
        if not text:  # the close frame
            break
        msg = json.loads(text)
        slow.seq = msg.get("s") or slow.seq
        if msg.get("t") == "MESSAGE_CREATE":
            got.append(msg["d"]["id"])
    assert len(got) < len(sent), "the slow session was never cut off"
    assert got == sent[:len(got)]
    fresh = Gateway(srv)
    fresh.send(6, {"token": owner.token, "session_id": slow.session_id, "seq": slow.seq})
    replayed = []
    while len(got) + len(replayed) < len(sent):
        msg = fresh.recv()
        assert msg.get("op") == 0, msg
        if msg["t"] == "MESSAGE_CREATE":
            replayed.append(msg["d"]["id"])
    assert got + replayed == sent
    fresh.close()


def test_resume_from_before_a_guild_create_asks_for_a_new_identify(room):
    """READY and GUILD_CREATE are not kept for replay (they are the large ones): a client that missed one gets
    op 9 and identifies again, which sends them afresh."""
    srv, owner, member, g, ch = room
    gw = Gateway(srv)
    gw.send(2, {"token": member.token, "intents": 513, "properties": {}})
    ready = gw.expect("READY")
    gw.expect("GUILD_CREATE")
    gw.stopped.set()
    gw.ws.sock.close()
    again = Gateway(srv)
    again.send(6, {"token": member.token, "session_id": ready["d"]["session_id"], "seq": ready["s"]})
    assert again.recv()["op"] == 9
    again.identify(member.token)  # and the session starts over, guild and all


def test_an_event_to_hundreds_of_sessions_reaches_each_whole_and_in_order(make_server):
    """Events seen by hundreds of sessions go out in batches written by several threads (core/fanout). Every
    session gets every frame whole, numbered in order, including one whose socket fills up mid-batch (its rest
    is queued) and one that drops and resumes (its replay comes from the shared frames it kept)."""
    import socket

    # Small kernel buffers, so that the session that does not read fills its socket within a few messages.
    srv = make_server(GATEWAY_HEARTBEAT_MS="60000", GATEWAY_WRITE_THREADS="2", GATEWAY_SEND_BUFFER_BYTES="4096",
                      GATEWAY_MAX_SESSIONS_PER_ADDRESS="0", HTTP_MAX_CONNECTIONS_PER_ADDRESS="0")
    owner = new_client(srv, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    members = [new_client(srv, f"m{i}") for i in range(3)]
    for m in members:
        join(m, invite_code(owner, ch["id"]))
    sessions = [Gateway(srv, heartbeat=False) for _ in range(300)]
    for i, gw in enumerate(sessions):
        gw.identify(members[i % 3].token)
    full = Gateway(srv, heartbeat=False, sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
    full.identify(owner.token)
    dropped = sessions.pop()
    sent = [ok(owner.post(f"/channels/{ch['id']}/messages", {"content": f"{i:03d} " + "y" * 1500}))["id"]
            for i in range(5)]
    seq = None
    while seq is None or dropped.seq < seq:  # what it read before it drops: the first three
        msg = dropped.recv()
        if msg.get("t") == "MESSAGE_CREATE" and msg["d"]["id"] == sent[2]:
            seq = msg["s"]
    dropped.ws.sock.close()
    sent += [ok(owner.post(f"/channels/{ch['id']}/messages", {"content": f"{i:03d} " + "y" * 1500}))["id"]
             for i in range(5, 40)]

    def messages(gw, count):
        got = []
        while len(got) < count:
            msg = gw.recv()
            if msg.get("t") == "MESSAGE_CREATE":
                got.append(msg)
        return got

    for gw in sessions + [full]:
        got = messages(gw, len(sent))
        assert [m["d"]["id"] for m in got] == sent
        assert [m["s"] for m in got] == list(range(got[0]["s"], got[0]["s"] + len(sent)))
        assert all(m["d"]["content"] == f"{i:03d} " + "y" * 1500 for i, m in enumerate(got))
    again = Gateway(srv, heartbeat=False)
    again.send(6, {"token": members[299 % 3].token, "session_id": dropped.session_id, "seq": seq})
    replayed = messages(again, len(sent) - 3)
    assert [m["d"]["id"] for m in replayed] == sent[3:]
    assert [m["s"] for m in replayed] == list(range(seq + 1, seq + 1 + len(sent) - 3))
    again.expect("RESUMED")
    for gw in sessions + [full, again]:
        gw.close()


def test_a_dispatch_over_64_kib_arrives_whole(gw_server):
    """A GUILD_CREATE past 65,535 bytes takes WebSocket's 8-byte length, written by the server's own frame
    header (frames skip wslay's queue when it holds nothing)."""
    owner = new_client(gw_server, "owner")
    g = make_guild(owner)
    for i in range(60):
        ok(owner.post(f"/guilds/{g['id']}/channels", {"name": f"room-{i}", "topic": f"{i} " + "t" * 1000}), 201)
    gw = Gateway(gw_server)
    gw.send(2, {"token": owner.token, "intents": ALL_INTENTS, "properties": {"os": "linux", "browser": "t",
                                                                           "device": "t"}})
    gw.expect("READY")
    created = gw.expect("GUILD_CREATE")
    assert len(json.dumps(created, separators=(",", ":"))) > 65535
    topics = {c["name"]: c.get("topic") for c in created["d"]["channels"]}
    assert all(topics[f"room-{i}"] == f"{i} " + "t" * 1000 for i in range(60))
    ok(owner.post(f"/channels/{general(owner, g['id'])['id']}/messages", {"content": "after the big one"}))
    assert gw.expect("MESSAGE_CREATE")["d"]["content"] == "after the big one"
    gw.close()
