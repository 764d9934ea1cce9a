"""Two server processes behind one Redis: events and cache changes made on one reach the other; losing Redis
degrades to local delivery and the processes find each other again when it returns."""
import time
import uuid

from conftest import init_db, wait_until
from gateway_helpers import Gateway
from guild_helpers import Client, VIEW_CHANNEL, general, invite_code, join, make_guild, new_client, ok


def pair(dynamodb, make_server, redis):
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    assert init_db(dynamodb.endpoint, prefix).returncode == 0
    a = make_server(prefix=prefix, REDIS_URL=redis.url, WORKER_ID="1")
    b = make_server(prefix=prefix, REDIS_URL=redis.url, WORKER_ID="2")
    for srv in (a, b):
        wait_until(lambda: '"redis connected"' in srv.log_text(), 10, "redis connected")
    return a, b


def on(server, client):
    return Client(server, client.user)


def test_a_message_posted_to_one_process_reaches_a_session_on_the_other(dynamodb, make_server, redis):
    a, b = pair(dynamodb, make_server, redis)
    owner = new_client(a, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    member = new_client(a, "member")
    join(member, invite_code(owner, ch["id"]))
    gw = Gateway(b)
    gw.identify(member.token)
    sent = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "across"}))
    assert gw.expect("MESSAGE_CREATE")["d"]["id"] == sent["id"]
    # A permission change on A is seen by B's cache and gateway before the next message.
    ok(owner.put(f"/channels/{ch['id']}/permissions/{member.id}", {"type": 1, "allow": "0", "deny": str(VIEW_CHANNEL)}),
       204)
    # Redis carries the change after A has answered: B follows within moments, not necessarily at once.
    wait_until(lambda: on(b, member).get(f"/channels/{ch['id']}").status_code == 404, 5, "B to drop the channel")
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "hidden"}))
    gw.none("MESSAGE_CREATE", within=1.0)


def test_losing_redis_degrades_to_local_delivery_and_recovers(dynamodb, make_server, redis):
    a, b = pair(dynamodb, make_server, redis)
    owner = new_client(a, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    local, remote = Gateway(a), Gateway(b)
    local.identify(owner.token)
    remote.identify(owner.token)
    redis.stop()
    wait_until(lambda: "redis unavailable" in a.log_text(), 10, "A to notice")
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "while down"}))
    assert local.expect("MESSAGE_CREATE")["d"]["content"] == "while down"
    remote.none("MESSAGE_CREATE", within=0.5)
    redis.start()
    for srv in (a, b):
        wait_until(lambda: srv.log_text().count('"redis connected"') >= 2, 15, "reconnected")
    time.sleep(0.2)
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "back"}))
    assert remote.expect("MESSAGE_CREATE", match=lambda d: d["content"] == "back")["d"]["content"] == "back"


def test_logging_out_on_one_process_closes_the_sessions_on_the_other(dynamodb, make_server, redis):
    a, b = pair(dynamodb, make_server, redis)
    me = new_client(a, "me")
    gw = Gateway(b)
    gw.identify(me.token)
    ok(me.post("/auth/logout"), 204)
    assert gw.close_code() == 4004
    assert on(b, me).get("/users/@me").status_code == 401
