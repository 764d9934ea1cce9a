"""Dispatches for changes other than messages: channels, roles, the guild, members and bans, invites, the user's
own account and new DMs, each to the sessions allowed to see it and asking for it."""
import pytest

from gateway_helpers import ALL_INTENTS, Gateway
from guild_helpers import VIEW_CHANNEL, general, invite_code, join, make_guild, new_client, ok
from image_fixtures import data_uri
from media_helpers import png

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_MODERATION = 1 << 2
GUILD_INVITES = 1 << 6
MANAGE_CHANNELS = 1 << 4


@pytest.fixture
def room(make_server):
    srv = make_server(GATEWAY_HEARTBEAT_MS="2000", GATEWAY_RESUME_MS="1000")
    owner = new_client(srv, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    member = new_client(srv, "member")
    join(member, invite_code(owner, ch["id"]))
    gws = []

    def gateway(client, intents=ALL_INTENTS):
        gw = Gateway(srv)
        gw.identify(client.token, intents=intents)
        gws.append(gw)
        return gw

    yield srv, owner, member, g, ch, gateway
    for gw in gws:
        gw.close()


def test_channel_create_update_delete(room):
    srv, owner, member, g, ch, gateway = room
    gw = gateway(member)
    made = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "news"}))
    got = gw.expect("CHANNEL_CREATE")["d"]
    assert got["id"] == made["id"] and got["name"] == "news" and got["guild_id"] == g["id"]
    ok(owner.patch(f"/channels/{made['id']}", {"topic": "today"}))
    assert gw.expect("CHANNEL_UPDATE", match=lambda d: d["id"] == made["id"])["d"]["topic"] == "today"
    ok(owner.delete(f"/channels/{made['id']}"))
    gone = gw.expect("CHANNEL_DELETE")["d"]
    assert gone["id"] == made["id"] and gone["guild_id"] == g["id"]


def test_hidden_channels_events_reach_only_who_sees_them(room):
    srv, owner, member, g, ch, gateway = room
    mine, theirs = gateway(owner), gateway(member)
    hidden = ok(owner.post(f"/guilds/{g['id']}/channels", {
        "name": "staff", "permission_overwrites": [{"id": g["id"], "type": 0, "allow": "0",
                                                    "deny": str(VIEW_CHANNEL)}]}))
    assert mine.expect("CHANNEL_CREATE")["d"]["id"] == hidden["id"]
    ok(owner.delete(f"/channels/{hidden['id']}"))
    assert mine.expect("CHANNEL_DELETE")["d"]["id"] == hidden["id"]
    theirs.none("CHANNEL_CREATE", within=0.5)
    theirs.none("CHANNEL_DELETE", within=0.5)
    # A visible channel's deletion reaches everyone who saw it.
    shown = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "open"}))
    theirs.expect("CHANNEL_CREATE")
    ok(owner.delete(f"/channels/{shown['id']}"))
    assert theirs.expect("CHANNEL_DELETE")["d"]["id"] == shown["id"]


def test_overwrites_and_moves_are_channel_updates(room):
    srv, owner, member, g, ch, gateway = room
    gw = gateway(owner)
    ok(owner.put(f"/channels/{ch['id']}/permissions/{member.id}", {"type": 1, "allow": "0", "deny": "2048"}), 204)
    got = gw.expect("CHANNEL_UPDATE")["d"]
    assert got["id"] == ch["id"]
    assert {"id": member.id, "type": 1, "allow": "0", "deny": "2048"} in got["permission_overwrites"]
    other = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "second"}))
    ok(owner.patch(f"/guilds/{g['id']}/channels", [{"id": other["id"], "position": 0}]), 204)
    moved = gw.expect("CHANNEL_UPDATE", match=lambda d: d["id"] == other["id"])["d"]
    assert moved["position"] == 0 and moved["name"] == "second"


def test_category_deletion_updates_its_children(room):
    srv, owner, member, g, ch, gateway = room
    gw = gateway(member)
    cat = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "cat", "type": 4}))
    child = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "kid", "parent_id": cat["id"]}))
    ok(owner.delete(f"/channels/{cat['id']}"))
    orphan = gw.expect("CHANNEL_UPDATE", match=lambda d: d["id"] == child["id"])["d"]
    assert orphan["parent_id"] is None


def test_role_and_guild_events(room):
    srv, owner, member, g, ch, gateway = room
    gw = gateway(member)
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "mods"}))
    made = gw.expect("GUILD_ROLE_CREATE")["d"]
    assert made == {"guild_id": g["id"], "role": role}
    ok(owner.patch(f"/guilds/{g['id']}/roles/{role['id']}", {"name": "moderators"}))
    assert gw.expect("GUILD_ROLE_UPDATE")["d"]["role"]["name"] == "moderators"
    ok(owner.delete(f"/guilds/{g['id']}/roles/{role['id']}"), 204)
    assert gw.expect("GUILD_ROLE_DELETE")["d"] == {"guild_id": g["id"], "role_id": role["id"]}
    ok(owner.patch(f"/guilds/{g['id']}", {"name": "Renamed"}))
    upd = gw.expect("GUILD_UPDATE")["d"]
    assert upd["id"] == g["id"] and upd["name"] == "Renamed" and "guild_id" not in upd


def test_member_events_need_the_members_intent(room):
    srv, owner, member, g, ch, gateway = room
    watcher = gateway(owner)
    blind = gateway(owner, intents=GUILDS)
    newcomer = new_client(srv, "newcomer")
    join(newcomer, invite_code(owner, ch["id"]))
    added = watcher.expect("GUILD_MEMBER_ADD")["d"]
    assert added["guild_id"] == g["id"] and added["user"]["id"] == newcomer.id
    assert added["user"]["username"] == newcomer.user["username"] and added["roles"] == []
    ok(owner.patch(f"/guilds/{g['id']}/members/{newcomer.id}", {"nick": "newbie"}))
    upd = watcher.expect("GUILD_MEMBER_UPDATE")["d"]
    assert upd["nick"] == "newbie" and upd["user"]["id"] == newcomer.id and upd["guild_id"] == g["id"]
    ok(newcomer.delete(f"/users/@me/guilds/{g['id']}"), 204)
    left = watcher.expect("GUILD_MEMBER_REMOVE")["d"]
    assert left["guild_id"] == g["id"] and left["user"]["id"] == newcomer.id
    ok(owner.delete(f"/guilds/{g['id']}/members/{member.id}"), 204)
    kicked = watcher.expect("GUILD_MEMBER_REMOVE")["d"]
    assert kicked["user"]["id"] == member.id and kicked["user"]["username"] == member.user["username"]
    blind.none("GUILD_MEMBER_ADD", within=0.3)
    blind.none("GUILD_MEMBER_REMOVE", within=0.3)


def test_ban_events(room):
    srv, owner, member, g, ch, gateway = room
    gw = gateway(owner)
    ok(owner.put(f"/guilds/{g['id']}/bans/{member.id}", {}), 204)
    got = {}
    while len(got) < 2:  # the member goes and the ban comes, in either order
        msg = gw.recv()
        if msg.get("t") in ("GUILD_BAN_ADD", "GUILD_MEMBER_REMOVE"):
            got[msg["t"]] = msg["d"]
    assert got["GUILD_BAN_ADD"]["guild_id"] == g["id"] and got["GUILD_BAN_ADD"]["user"]["id"] == member.id
    assert got["GUILD_MEMBER_REMOVE"]["user"]["id"] == member.id
    ok(owner.delete(f"/guilds/{g['id']}/bans/{member.id}"), 204)
    unban = gw.expect("GUILD_BAN_REMOVE")["d"]
    assert unban["guild_id"] == g["id"] and unban["user"]["username"] == member.user["username"]
    quiet = gateway(owner, intents=GUILDS | GUILD_MEMBERS)
    ok(owner.put(f"/guilds/{g['id']}/bans/{member.id}", {}), 204)
    quiet.none("GUILD_BAN_ADD", within=0.5)


def test_invite_events_reach_those_who_manage_the_channel(room):
    srv, owner, member, g, ch, gateway = room
    manager, plain = gateway(owner), gateway(member)
    inv = ok(member.post(f"/channels/{ch['id']}/invites", {"max_age": 600}))
    made = manager.expect("INVITE_CREATE")["d"]
    assert made["code"] == inv["code"] and made["channel_id"] == ch["id"] and made["guild_id"] == g["id"]
    assert made["max_age"] == 600 and made["uses"] == 0
    ok(owner.delete(f"/invites/{inv['code']}"))
    assert manager.expect("INVITE_DELETE")["d"] == {"channel_id": ch["id"], "guild_id": g["id"],
                                                    "code": inv["code"]}
    plain.none("INVITE_CREATE", within=0.3)
    plain.none("INVITE_DELETE", within=0.3)


def test_user_update_reaches_only_the_user(room):
    srv, owner, member, g, ch, gateway = room
    mine, theirs = gateway(member), gateway(owner)
    ok(member.patch("/users/@me", {"global_name": "Member Prime"}))
    upd = mine.expect("USER_UPDATE")["d"]
    assert upd["id"] == member.id and upd["global_name"] == "Member Prime"
    theirs.none("USER_UPDATE", within=0.5)


def test_an_account_change_reaches_the_guild_as_a_member_update(room):
    srv, owner, member, g, ch, gateway = room
    theirs, no_intent = gateway(owner), gateway(owner, intents=GUILDS)
    avatar = ok(member.patch("/users/@me", {"global_name": "Member Prime", "avatar": data_uri(png(4, 4))}))["avatar"]
    upd = theirs.expect("GUILD_MEMBER_UPDATE")["d"]
    assert upd["guild_id"] == g["id"] and upd["user"]["id"] == member.id
    assert upd["user"]["global_name"] == "Member Prime" and upd["user"]["avatar"] == avatar
    assert "email" not in upd["user"] and "roles" in upd and "joined_at" in upd
    no_intent.none("GUILD_MEMBER_UPDATE", within=0.5)
    outsider = new_client(srv, "outsider")
    watcher = gateway(outsider)
    ok(member.patch("/users/@me", {"global_name": "Member Again"}))
    assert theirs.expect("GUILD_MEMBER_UPDATE")["d"]["user"]["global_name"] == "Member Again"
    watcher.none("GUILD_MEMBER_UPDATE", within=0.5)


def guild_create_presences(srv, client, intents=None):
    """Identifies a new session and returns it with {user_id: status} from its GUILD_CREATE."""
    gw = Gateway(srv)
    gw.send(2, {"token": client.token, "intents": ALL_INTENTS if intents is None else intents,
                "properties": {"os": "linux", "browser": "t", "device": "t"}})
    gw.expect("READY")
    created = gw.expect("GUILD_CREATE")["d"]
    return gw, {p["user"]["id"]: p["status"] for p in created["presences"]}


def test_guild_create_lists_who_is_online(room):
    srv, owner, member, g, ch, gateway = room
    watch = gateway(member)
    first = gateway(owner)
    second = gateway(owner)
    watch.expect("PRESENCE_UPDATE", match=lambda d: d["user"]["id"] == owner.id and d["status"] == "online")
    gw, seen = guild_create_presences(srv, member)
    assert seen.get(owner.id) == "online" and seen.get(member.id) == "online"
    gw.close()
    _, without_intent = guild_create_presences(srv, member, intents=GUILDS)
    assert without_intent == {}, "presences need GUILD_PRESENCES"
    first.send(3, {"since": None, "activities": [], "status": "dnd", "afk": False})
    watch.expect("PRESENCE_UPDATE", match=lambda d: d["user"]["id"] == owner.id and d["status"] == "dnd")
    gw, seen = guild_create_presences(srv, member)
    assert seen.get(owner.id) == "dnd"
    gw.close()
    # One of two sessions ending leaves the user online; the last one ending makes them offline.
    first.close()  # its session ends when it can no longer be resumed (1 s here)
    watch.none("PRESENCE_UPDATE", within=2.5, match=lambda d: d["user"]["id"] == owner.id)
    second.close()
    watch.expect("PRESENCE_UPDATE", match=lambda d: d["user"]["id"] == owner.id and d["status"] == "offline")
    gw, seen = guild_create_presences(srv, member)
    assert owner.id not in seen
    gw.close()


def test_a_new_dm_appears_for_both_recipients(room):
    srv, owner, member, g, ch, gateway = room
    a, b = gateway(owner), gateway(member)
    dm = ok(owner.post("/users/@me/channels", {"recipient_id": member.id}))
    for gw, other in ((a, member), (b, owner)):
        got = gw.expect("CHANNEL_CREATE")["d"]
        assert got["id"] == dm["id"] and got["type"] == 1
        assert [u["id"] for u in got["recipients"]] == [other.id]
    # Opening it again is the same channel: no second event.
    assert ok(member.post("/users/@me/channels", {"recipient_id": owner.id}))["id"] == dm["id"]
    a.none("CHANNEL_CREATE", within=0.5)


def test_request_guild_members(room):
    srv, owner, member, g, ch, gateway = room
    gw = gateway(member)
    gw.send(8, {"guild_id": g["id"], "query": "", "limit": 0, "nonce": "all"})
    chunk = gw.expect("GUILD_MEMBERS_CHUNK")["d"]
    assert chunk["guild_id"] == g["id"] and chunk["nonce"] == "all"
    assert chunk["chunk_index"] == 0 and chunk["chunk_count"] == 1
    assert sorted(m["user"]["id"] for m in chunk["members"]) == sorted([owner.id, member.id])
    prefix = owner.user["username"][:7].upper()  # case-insensitive, and unique to the owner
    gw.send(8, {"guild_id": g["id"], "query": prefix, "limit": 5})
    assert [m["user"]["id"] for m in gw.expect("GUILD_MEMBERS_CHUNK")["d"]["members"]] == [owner.id]
    gw.send(8, {"guild_id": g["id"], "user_ids": [owner.id, "123456789"], "nonce": "ids"})
    by_ids = gw.expect("GUILD_MEMBERS_CHUNK")["d"]
    assert [m["user"]["id"] for m in by_ids["members"]] == [owner.id] and by_ids["not_found"] == ["123456789"]
    outsider = gateway(new_client(srv, "outsider"))
    outsider.send(8, {"guild_id": g["id"], "query": "", "limit": 0})
    assert outsider.expect("GUILD_MEMBERS_CHUNK")["d"]["members"] == []
    gw.send(8, {"guild_id": "not-an-id", "query": ""})
    assert gw.close_code() == 4002
