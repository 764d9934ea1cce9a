"""Every object family and dispatch the server has, checked against Discord's documented shapes
(tests/e2e/discord_shapes.py): integers never null, nullable fields present, ids strings, ISO 8601 times."""
import time

import discord
import pytest
from discord.raw_models import RawReactionActionEvent

import discord_shapes as S
from discord_shapes import check
from emoji_helpers import make_emoji
from gateway_helpers import Gateway
from guild_helpers import general, invite_code, join, make_guild, new_client, ok


@pytest.fixture(scope="module")
def world(server):
    """A guild with an owner and a member, both on the gateway."""
    owner, member = new_client(server, "shapeowner"), new_client(server, "shapemember")
    g = make_guild(owner, "Shapes")
    ch = general(owner, g["id"])
    join(member, invite_code(owner, ch["id"]))
    blob = make_emoji(owner, g["id"], "blob")
    gw = Gateway(server)
    ready = gw.identify(owner.token)
    w = {"server": server, "owner": owner, "member": member, "guild": g, "channel": ch, "gw": gw,
         "ready": ready, "blob": blob}
    yield w
    gw.close()


def test_user_objects(world):
    owner, member = world["owner"], world["member"]
    me = check(ok(owner.get("/users/@me")), S.PRIVATE_USER, "GET /users/@me")
    assert me["discriminator"] == "0" and me["public_flags"] == 0 and me["flags"] == 0
    for field in ("banner", "accent_color", "avatar_decoration_data"):
        assert field in me and me[field] is None, field
    check(ok(owner.get(f"/users/{member.id}")), S.USER, "GET /users/{id}")


def test_guild_objects(world):
    owner, g = world["owner"], world["guild"]
    check(g, S.GUILD, "POST /guilds")
    got = check(ok(owner.get(f"/guilds/{g['id']}")), S.GUILD, "GET /guilds/{id}")
    assert got["afk_timeout"] == 300 and got["verification_level"] == 0 and got["features"] == []
    for role in got["roles"]:
        assert role["flags"] == 0 and role["colors"]["primary_color"] == role["color"]
    for pg in ok(owner.get("/users/@me/guilds")):
        check(pg, S.PARTIAL_GUILD, "GET /users/@me/guilds")
    edited = ok(owner.patch(f"/guilds/{g['id']}", {"name": "Shapes 2"}))
    check(edited, S.GUILD, "PATCH /guilds/{id}")


def test_emoji_objects_and_dispatch(world):
    owner, member, g, gw = world["owner"], world["member"], world["guild"], world["gw"]
    for e in ok(owner.get(f"/guilds/{g['id']}/emojis")) + ok(member.get(f"/guilds/{g['id']}/emojis")):
        check(e, S.GUILD_EMOJI, "GET /guilds/{id}/emojis")
    made = check(make_emoji(owner, g["id"], "shape_emoji"), S.GUILD_EMOJI, "POST /guilds/{id}/emojis")
    check(gw.expect("GUILD_EMOJIS_UPDATE")["d"], S.GUILD_EMOJIS_UPDATE, "GUILD_EMOJIS_UPDATE")
    check(ok(owner.patch(f"/guilds/{g['id']}/emojis/{made['id']}", {"name": "shape_2"})), S.GUILD_EMOJI,
          "PATCH /guilds/{id}/emojis/{id}")
    check(gw.expect("GUILD_EMOJIS_UPDATE")["d"], S.GUILD_EMOJIS_UPDATE, "GUILD_EMOJIS_UPDATE")
    ok(owner.delete(f"/guilds/{g['id']}/emojis/{made['id']}"), 204)
    check(gw.expect("GUILD_EMOJIS_UPDATE")["d"], S.GUILD_EMOJIS_UPDATE, "GUILD_EMOJIS_UPDATE")


def test_channel_objects(world):
    owner, g = world["owner"], world["guild"]
    cat = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "cat", "type": 4}))
    check(cat, S.CATEGORY_CHANNEL, "a category")
    assert cat["flags"] == 0, "discord.js builds a ChannelFlagsBitField from flags: null crashes it"
    text = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "t", "parent_id": cat["id"],
                                                          "permission_overwrites": [
                                                              {"id": g["id"], "type": 0, "deny": "2048"}]}))
    check(text, S.TEXT_CHANNEL, "a text channel")
    assert text["flags"] == 0 and text["rate_limit_per_user"] == 0 and text["parent_id"] == cat["id"]
    for c in ok(owner.get(f"/guilds/{g['id']}/channels")):
        check(c, S.merged(S.TEXT_CHANNEL if c["type"] == 0 else S.CATEGORY_CHANNEL, S.READ_STATE), "channel list")
    check(ok(owner.get(f"/channels/{text['id']}")), S.merged(S.TEXT_CHANNEL, S.READ_STATE), "GET /channels/{id}")
    check(ok(owner.patch(f"/channels/{text['id']}", {"topic": "hi"})), S.TEXT_CHANNEL, "PATCH /channels/{id}")


def test_dm_channels(world):
    server, owner, member = world["server"], world["owner"], world["member"]
    dm = check(ok(owner.post("/users/@me/channels", {"recipient_id": member.id})), S.DM_CHANNEL, "a DM")
    third = new_client(server, "shapethird")
    group = ok(owner.post("/users/@me/channels", {"recipients": [member.id, third.id]}))
    check(group, S.GROUP_DM_CHANNEL, "a group DM")
    for c in ok(owner.get("/users/@me/channels")):
        check(c, S.merged(S.DM_CHANNEL, S.READ_STATE), "GET /users/@me/channels")
    m = ok(owner.post(f"/channels/{dm['id']}/messages", {"content": "dm"}))
    check(m, S.MESSAGE, "a DM message")
    assert "member" not in m and "guild_id" not in m


def test_role_and_member_objects(world):
    owner, member, g = world["owner"], world["member"], world["guild"]
    role = check(ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "r", "color": 255})), S.ROLE, "a new role")
    assert role["colors"] == {"primary_color": 255, "secondary_color": None, "tertiary_color": None}
    for r in ok(owner.get(f"/guilds/{g['id']}/roles")):
        check(r, S.ROLE, "GET roles")
    m = ok(owner.patch(f"/guilds/{g['id']}/members/{member.id}", {"roles": [role["id"]], "nick": "n"}))
    check(m, S.MEMBER, "PATCH member")
    for m in ok(owner.get(f"/guilds/{g['id']}/members?limit=10")):
        check(m, S.MEMBER, "GET members")
    check(ok(owner.get(f"/guilds/{g['id']}/members/{member.id}")), S.MEMBER, "GET member")


def test_invite_objects(world):
    owner, ch = world["owner"], world["channel"]
    inv = check(ok(owner.post(f"/channels/{ch['id']}/invites", {"max_age": 0})), S.INVITE_METADATA, "new invite")
    assert inv["expires_at"] is None
    with_inviter = S.merged(S.INVITE_METADATA, inviter=S.USER)
    assert check(inv, with_inviter, "new invite")["inviter"]["id"] == owner.id
    got = check(ok(owner.get(f"/invites/{inv['code']}")), S.merged(S.INVITE, inviter=S.USER), "GET /invites/{code}")
    assert got["inviter"]["id"] == owner.id
    for i in ok(owner.get(f"/channels/{ch['id']}/invites")) + ok(owner.get(f"/guilds/{world['guild']['id']}/invites")):
        check(i, with_inviter, "channel and guild invites")
    joined = ok(new_client(world["server"], "shapejoiner").post(f"/invites/{inv['code']}"))
    assert joined["inviter"]["id"] == owner.id


def test_message_and_reaction_objects(world):
    owner, ch = world["owner"], world["channel"]
    m = check(ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "shape", "nonce": "n1"})), S.MESSAGE,
              "a new message")
    assert m["edited_timestamp"] is None and m["tts"] is False and m["pinned"] is False
    ok(owner.put(f"/channels/{ch['id']}/messages/{m['id']}/reactions/%F0%9F%91%8D/@me"), 204)
    ok(owner.put(f"/channels/{ch['id']}/messages/{m['id']}/reactions/blob:{world['blob']['id']}/@me"), 204)
    got = check(ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}")), S.REACTIONS_MESSAGE, "reacted message")
    emojis = {r["emoji"]["name"]: r["emoji"] for r in got["reactions"]}
    assert emojis["blob"] == {"id": world["blob"]["id"], "name": "blob", "animated": False}
    assert emojis["\N{THUMBS UP SIGN}"]["id"] is None
    edited = check(ok(owner.patch(f"/channels/{ch['id']}/messages/{m['id']}", {"content": "edited"})),
                   S.MESSAGE, "an edited message")
    assert S.ISO8601.match(edited["edited_timestamp"])
    reply = ok(owner.post(f"/channels/{ch['id']}/messages",
                          {"content": "re", "message_reference": {"message_id": m["id"]}}))
    check(reply, S.MESSAGE, "a reply")
    check(reply["referenced_message"], S.MESSAGE, "a referenced message")
    for x in ok(owner.get(f"/channels/{ch['id']}/messages")):
        check(x, S.MESSAGE, "GET messages")
    for u in ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}/reactions/%F0%9F%91%8D")):
        check(u, S.USER, "reaction users")


def test_ban_objects(world):
    server, owner, g = world["server"], world["owner"], world["guild"]
    victim = new_client(server, "shapevictim")
    join(victim, invite_code(owner, world["channel"]["id"]))
    ok(owner.put(f"/guilds/{g['id']}/bans/{victim.id}", {}), 204)
    for b in ok(owner.get(f"/guilds/{g['id']}/bans")):
        check(b, S.BAN, "GET bans")


# ---- the gateway ----

def guild_create(server, token, guild_id, intents=(1 << 16) - 1):
    """The GUILD_CREATE of guild_id that a new session of token gets."""
    gw = Gateway(server)
    try:
        gw.send(2, {"token": token, "intents": intents, "properties": {}})
        gw.expect("READY")
        return gw.expect("GUILD_CREATE", match=lambda d: d["id"] == guild_id)["d"]
    finally:
        gw.close()


def test_ready_and_guild_create(world):
    server, owner, member, g = world["server"], world["owner"], world["member"], world["guild"]
    ready = check(world["ready"]["d"], S.READY, "READY")
    assert ready["application"]["flags"] == 0
    assert all(x["unavailable"] is True for x in ready["guilds"]) and ready["guilds"]
    # The gateway's copy of the guild catches up with the joins and bans of the tests before within moments.
    deadline = time.time() + 10
    while True:
        gc = check(guild_create(server, member.token, g["id"]), S.GUILD_CREATE, "GUILD_CREATE")
        if len(gc["members"]) == gc["member_count"] or time.time() > deadline:
            break
        time.sleep(0.5)
    assert gc["unavailable"] is False and gc["large"] is False and gc["member_count"] >= 2
    mine = [m for m in gc["members"] if m["user"]["id"] == member.id]
    assert mine and gc["joined_at"] == mine[0]["joined_at"]
    # Not large: every member is listed (discord.py with the presences intent trusts this list, asks no chunks),
    # and the presences of those online (the owner's session is).
    assert {owner.id, member.id} <= {m["user"]["id"] for m in gc["members"]}
    assert len(gc["members"]) == gc["member_count"]
    assert owner.id in {p["user"]["id"] for p in gc["presences"]}
    # Without the GUILD_PRESENCES intent only the session user's own member, and no presences.
    small = guild_create(server, member.token, g["id"], intents=(1 << 16) - 1 - (1 << 8))
    assert [m["user"]["id"] for m in small["members"]] == [member.id] and small["presences"] == []
    assert small["large"] is False
    for c in gc["channels"]:
        check(c, S.TEXT_CHANNEL if c["type"] == 0 else S.CATEGORY_CHANNEL, "a GUILD_CREATE channel")
        assert c["guild_id"] == g["id"]
    for field in ("threads", "voice_states", "stickers", "stage_instances", "guild_scheduled_events",
                  "soundboard_sounds", "features"):
        assert gc[field] == [], field
    assert [(e["id"], e["name"]) for e in gc["emojis"]] == [(world["blob"]["id"], "blob")]


def test_message_dispatches(world):
    owner, ch, gw, g = world["owner"], world["channel"], world["gw"], world["guild"]
    m = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "dispatch"}))
    d = check(gw.expect("MESSAGE_CREATE", match=lambda d: d["id"] == m["id"])["d"], S.GUILD_MESSAGE_EVENT,
              "MESSAGE_CREATE")
    assert d["guild_id"] == g["id"] and "user" not in d["member"]
    ok(owner.patch(f"/channels/{ch['id']}/messages/{m['id']}", {"content": "changed"}))
    d = check(gw.expect("MESSAGE_UPDATE", match=lambda d: d["id"] == m["id"])["d"], S.GUILD_MESSAGE_EVENT,
              "MESSAGE_UPDATE")
    assert d["content"] == "changed" and d["edited_timestamp"]
    ok(owner.post(f"/channels/{ch['id']}/typing"), 204)
    d = check(gw.expect("TYPING_START")["d"], S.GUILD_TYPING_START, "TYPING_START")
    assert d["member"]["user"]["id"] == owner.id
    ok(owner.put(f"/channels/{ch['id']}/pins/{m['id']}"), 204)
    d = check(gw.expect("CHANNEL_PINS_UPDATE")["d"], S.CHANNEL_PINS_UPDATE, "CHANNEL_PINS_UPDATE")
    assert d["guild_id"] == g["id"] and d["last_pin_timestamp"]
    ok(owner.delete(f"/channels/{ch['id']}/messages/{m['id']}"), 204)
    d = check(gw.expect("MESSAGE_DELETE", match=lambda d: d["id"] == m["id"])["d"], S.MESSAGE_DELETE,
              "MESSAGE_DELETE")
    assert d["guild_id"] == g["id"]
    two = [ok(owner.post(f"/channels/{ch['id']}/messages", {"content": str(i)}))["id"] for i in range(2)]
    ok(owner.post(f"/channels/{ch['id']}/messages/bulk-delete", {"messages": two}), 204)
    d = check(gw.expect("MESSAGE_DELETE_BULK")["d"], S.MESSAGE_DELETE_BULK, "MESSAGE_DELETE_BULK")
    assert d["guild_id"] == g["id"] and sorted(d["ids"]) == sorted(two)


def test_reaction_dispatches(world):
    owner, member, ch, gw, g = world["owner"], world["member"], world["channel"], world["gw"], world["guild"]
    m = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "react to me"}))
    ok(member.put(f"/channels/{ch['id']}/messages/{m['id']}/reactions/blob:{world['blob']['id']}/@me"), 204)
    d = check(gw.expect("MESSAGE_REACTION_ADD")["d"], S.GUILD_REACTION_ADD, "MESSAGE_REACTION_ADD")
    assert d["type"] == 0 and d["burst"] is False and d["burst_colors"] == []
    assert d["message_author_id"] == owner.id and d["user_id"] == member.id and d["guild_id"] == g["id"]
    assert d["member"]["user"]["id"] == member.id
    assert d["emoji"] == {"id": world["blob"]["id"], "name": "blob", "animated": False}
    raw = RawReactionActionEvent(d, discord.PartialEmoji.from_dict(d["emoji"]), "REACTION_ADD")  # read as discord.py
    assert raw.type == discord.ReactionType.normal and raw.message_author_id == int(owner.id)
    ok(member.delete(f"/channels/{ch['id']}/messages/{m['id']}/reactions/blob:{world['blob']['id']}/@me"), 204)
    d = check(gw.expect("MESSAGE_REACTION_REMOVE")["d"], S.REACTION_REMOVE, "MESSAGE_REACTION_REMOVE")
    assert d["type"] == 0 and d["burst"] is False and d["guild_id"] == g["id"]
    assert d["emoji"]["id"] == world["blob"]["id"] and d["emoji"]["name"] == "blob"
    assert RawReactionActionEvent(d, discord.PartialEmoji.from_dict(d["emoji"]), "REACTION_REMOVE").burst is False


def test_dm_reaction_dispatch(world):
    server, owner = world["server"], world["owner"]
    other = new_client(server, "shapedm")
    dm = ok(other.post("/users/@me/channels", {"recipient_id": owner.id}))
    m = ok(other.post(f"/channels/{dm['id']}/messages", {"content": "dm"}))
    ok(other.put(f"/channels/{dm['id']}/messages/{m['id']}/reactions/%F0%9F%91%8D/@me"), 204)
    d = check(world["gw"].expect("MESSAGE_REACTION_ADD", match=lambda d: d["message_id"] == m["id"])["d"],
              S.REACTION_ADD, "a DM's MESSAGE_REACTION_ADD")
    assert "guild_id" not in d and "member" not in d and d["message_author_id"] == other.id
    assert d["emoji"] == {"id": None, "name": "\N{THUMBS UP SIGN}"}


def test_guild_dispatches(world):
    server, owner, g, gw, ch = world["server"], world["owner"], world["guild"], world["gw"], world["channel"]
    ok(owner.patch(f"/guilds/{g['id']}", {"name": "Shapes 3"}))
    check(gw.expect("GUILD_UPDATE")["d"], S.GUILD, "GUILD_UPDATE")
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "ev"}))
    check(gw.expect("GUILD_ROLE_CREATE")["d"], S.GUILD_ROLE, "GUILD_ROLE_CREATE")
    ok(owner.patch(f"/guilds/{g['id']}/roles/{role['id']}", {"name": "ev2"}))
    check(gw.expect("GUILD_ROLE_UPDATE")["d"], S.GUILD_ROLE, "GUILD_ROLE_UPDATE")
    ok(owner.delete(f"/guilds/{g['id']}/roles/{role['id']}"), 204)
    check(gw.expect("GUILD_ROLE_DELETE")["d"], S.GUILD_ROLE_DELETE, "GUILD_ROLE_DELETE")
    c = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "evc"}))
    check(gw.expect("CHANNEL_CREATE", match=lambda d: d["id"] == c["id"])["d"], S.TEXT_CHANNEL, "CHANNEL_CREATE")
    ok(owner.patch(f"/channels/{c['id']}", {"name": "evc2"}))
    check(gw.expect("CHANNEL_UPDATE", match=lambda d: d["id"] == c["id"])["d"], S.TEXT_CHANNEL, "CHANNEL_UPDATE")
    ok(owner.delete(f"/channels/{c['id']}"))
    check(gw.expect("CHANNEL_DELETE", match=lambda d: d["id"] == c["id"])["d"], S.TEXT_CHANNEL, "CHANNEL_DELETE")
    inv = ok(owner.post(f"/channels/{ch['id']}/invites", {}))
    d = check(gw.expect("INVITE_CREATE")["d"], S.INVITE_CREATE, "INVITE_CREATE")
    assert d["guild_id"] == g["id"] and d["inviter"]["id"] == owner.id and d["expires_at"]
    check(d["inviter"], S.USER, "INVITE_CREATE inviter")
    newbie = new_client(server, "shapenewbie")
    join(newbie, inv["code"])
    d = check(gw.expect("GUILD_MEMBER_ADD", match=lambda d: d["user"]["id"] == newbie.id)["d"],
              S.GUILD_MEMBER_ADD, "GUILD_MEMBER_ADD")
    ok(owner.patch(f"/guilds/{g['id']}/members/{newbie.id}", {"nick": "nn"}))
    check(gw.expect("GUILD_MEMBER_UPDATE", match=lambda d: d["user"]["id"] == newbie.id)["d"],
          S.GUILD_MEMBER_UPDATE, "GUILD_MEMBER_UPDATE")
    ok(owner.delete(f"/invites/{inv['code']}"))
    check(gw.expect("INVITE_DELETE")["d"], S.INVITE_DELETE, "INVITE_DELETE")
    ok(owner.put(f"/guilds/{g['id']}/bans/{newbie.id}", {}), 204)
    check(gw.expect("GUILD_MEMBER_REMOVE", match=lambda d: d["user"]["id"] == newbie.id)["d"],
          S.GUILD_MEMBER_REMOVE, "GUILD_MEMBER_REMOVE")
    check(gw.expect("GUILD_BAN_ADD")["d"], S.GUILD_BAN, "GUILD_BAN_ADD")
    ok(owner.delete(f"/guilds/{g['id']}/bans/{newbie.id}"), 204)
    check(gw.expect("GUILD_BAN_REMOVE")["d"], S.GUILD_BAN, "GUILD_BAN_REMOVE")


def test_members_chunk(world):
    owner, member, g, gw = world["owner"], world["member"], world["guild"], world["gw"]
    gw.send(8, {"guild_id": g["id"], "user_ids": [member.id, "123456789012345678"], "presences": True,
                "nonce": "shapes"})
    d = check(gw.expect("GUILD_MEMBERS_CHUNK", match=lambda d: d.get("nonce") == "shapes")["d"],
              S.GUILD_MEMBERS_CHUNK, "GUILD_MEMBERS_CHUNK")
    assert d["chunk_index"] == 0 and d["chunk_count"] == 1 and d["not_found"] == ["123456789012345678"]
    assert [m["user"]["id"] for m in d["members"]] == [member.id]
    assert isinstance(d["presences"], list)
    for p in d["presences"]:
        check(p, S.PRESENCE, "a chunk's presence")
    gw.send(8, {"guild_id": g["id"], "query": "", "limit": 0, "nonce": "all"})
    d = check(gw.expect("GUILD_MEMBERS_CHUNK", match=lambda d: d.get("nonce") == "all")["d"],
              S.GUILD_MEMBERS_CHUNK, "GUILD_MEMBERS_CHUNK")
    assert "not_found" not in d and "presences" not in d


def test_the_checker_catches_departures():
    assert S.problems({"id": "1", "flags": None}, {"id": "snowflake", "flags": "int"}) == ["$.flags: null"]
    assert S.problems({"id": 1}, {"id": "snowflake"}) == ["$.id: not snowflake: 1"]
    assert S.problems({}, {"a": "nullable string"}) == ["$.a: absent"]
    assert S.problems({}, {"a": "optional int"}) == []
    assert S.problems({"t": "2024-01-01 00:00"}, {"t": "iso8601"}) == ["$.t: not iso8601: '2024-01-01 00:00'"]
    assert S.problems({"a": [{"b": True}]}, {"a": [{"b": "int"}]}) == ["$.a[0].b: not int: True"]


def test_presence_activities(world):
    server, member, g, gw = world["server"], world["member"], world["guild"], world["gw"]
    other = Gateway(server)
    try:
        other.send(2, {"token": member.token, "intents": (1 << 16) - 1, "properties": {},
                       "presence": {"status": "idle", "since": 0, "afk": False,
                                    "activities": [{"name": "chess", "type": 0}, {"type": "bad"}]}})
        other.expect("READY")
        d = check(gw.expect("PRESENCE_UPDATE", match=lambda d: d["user"]["id"] == member.id)["d"], S.PRESENCE,
                  "PRESENCE_UPDATE")
        assert d["status"] == "idle" and d["guild_id"] == g["id"]
        assert [(a["name"], a["type"]) for a in d["activities"]] == [("chess", 0)], "the malformed one dropped"
        assert isinstance(d["activities"][0]["created_at"], int)
        # discord.py's change_presence: activities with "timestamps": {} and since 0
        other.send(3, {"status": "dnd", "since": 0, "afk": False,
                       "activities": [{"name": "go", "type": 0, "timestamps": {}}, {"name": "x", "type": 4,
                                                                                    "state": "busy"}]})
        d = gw.expect("PRESENCE_UPDATE", match=lambda d: d["user"]["id"] == member.id and d["status"] == "dnd")["d"]
        assert [(a["name"], a.get("state")) for a in d["activities"]] == [("go", None), ("x", "busy")]
        gc = guild_create(server, world["owner"].token, g["id"])  # a later session shows what was heard
        mine = [p for p in gc["presences"] if p["user"]["id"] == member.id]
        assert mine and mine[0]["status"] == "dnd" and [a["name"] for a in mine[0]["activities"]] == ["go", "x"]
    finally:
        other.close()
