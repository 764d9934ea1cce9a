"""Guilds, channels, members, invites, roles and bans: flows against the real server and DynamoDB Local."""
import concurrent.futures
import time

import pytest

from conftest import register, unique_name
from guild_helpers import (VIEW_CHANNEL, Client, general, invite_code, join, make_guild, member_with, new_client,
                           ok)

SEND_MESSAGES = 1 << 11
ADMINISTRATOR = 1 << 3
MANAGE_ROLES = 1 << 28
KICK_MEMBERS = 1 << 1
DEFAULT_EVERYONE = 67619905


def test_create_guild_makes_owner_everyone_role_and_general(server):
    owner = new_client(server, "owner")
    g = make_guild(owner, "Shiny")
    assert g["name"] == "Shiny" and g["owner_id"] == owner.id and g["member_count"] == 1
    everyone = [r for r in g["roles"] if r["id"] == g["id"]]
    assert everyone and everyone[0]["name"] == "@everyone" and everyone[0]["permissions"] == str(DEFAULT_EVERYONE)
    chans = ok(owner.get(f"/guilds/{g['id']}/channels"))
    assert [c["name"] for c in chans] == ["general"] and chans[0]["type"] == 0 and chans[0]["guild_id"] == g["id"]
    members = ok(owner.get(f"/guilds/{g['id']}/members?limit=10"))
    assert [m["user"]["id"] for m in members] == [owner.id]
    mine = ok(owner.get("/users/@me/guilds"))
    assert [x["id"] for x in mine] == [g["id"]] and mine[0]["owner"] is True


@pytest.mark.parametrize("body,field", [({}, "name"), ({"name": "x"}, "name"), ({"name": "y" * 101}, "name"),
                                        ({"name": 5}, "name")])
def test_guild_validation(server, body, field):
    owner = new_client(server)
    r = owner.post("/guilds", body)
    assert r.status_code == 400 and field in r.json()["errors"]


def test_my_guilds_pagination(server):
    owner = new_client(server)
    ids = [make_guild(owner, f"G{i}")["id"] for i in range(5)]
    assert [g["id"] for g in ok(owner.get("/users/@me/guilds"))] == ids
    assert [g["id"] for g in ok(owner.get("/users/@me/guilds?limit=2"))] == ids[:2]
    assert [g["id"] for g in ok(owner.get(f"/users/@me/guilds?after={ids[1]}&limit=2"))] == ids[2:4]
    assert [g["id"] for g in ok(owner.get(f"/users/@me/guilds?before={ids[3]}&limit=2"))] == ids[1:3]
    assert owner.get("/users/@me/guilds?limit=0").status_code == 400
    assert owner.get("/users/@me/guilds?limit=201").status_code == 400


def test_invite_preview_join_and_counts(server):
    owner, guest = new_client(server, "owner"), new_client(server, "guest")
    g = make_guild(owner)
    code = invite_code(owner, general(owner, g["id"])["id"], max_uses=5, max_age=3600)
    preview = server.get(f"/api/v10/invites/{code}")  # no token needed
    assert preview.status_code == 200
    p = preview.json()
    assert p["guild"]["id"] == g["id"] and p["approximate_member_count"] == 1 and p["channel"]["name"] == "general"
    first = join(guest, code)
    assert first["new_member"] is True
    again = join(guest, code)
    assert again["new_member"] is False
    invites = ok(owner.get(f"/guilds/{g['id']}/invites"))
    assert [i["uses"] for i in invites if i["code"] == code] == [1], "a second join spends no use"
    assert {i["channel"]["name"] for i in invites} == {"general"}, "the guild's invites show their channels"
    assert ok(owner.get(f"/guilds/{g['id']}"))["member_count"] == 2
    assert guest.get(f"/guilds/{g['id']}").status_code == 200
    assert server.get("/api/v10/invites/doesnotexist").status_code == 404
    assert server.get("/api/v10/invites/bad$code").status_code == 404


def test_fifty_parallel_joins_on_ten_uses(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    code = invite_code(owner, general(owner, g["id"])["id"], max_uses=10)
    guests = [new_client(server, "rush") for _ in range(50)]
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        results = list(pool.map(lambda c: c.post(f"/invites/{code}"), guests))
    codes = [r.status_code for r in results]
    assert codes.count(200) == 10, codes
    assert all(r.json() == {"code": 10006, "message": "Unknown Invite"} for r in results if r.status_code != 200)
    assert ok(owner.get(f"/guilds/{g['id']}"))["member_count"] == 11
    members = ok(owner.get(f"/guilds/{g['id']}/members?limit=1000"))
    assert len(members) == 11
    assert [i["uses"] for i in ok(owner.get(f"/guilds/{g['id']}/invites")) if i["code"] == code] == [10]


def test_expired_invite_is_gone(server):
    owner, guest = new_client(server, "owner"), new_client(server, "late")
    g = make_guild(owner)
    code = invite_code(owner, general(owner, g["id"])["id"], max_age=1)
    time.sleep(2.1)
    assert server.get(f"/api/v10/invites/{code}").status_code == 404
    assert guest.post(f"/invites/{code}").status_code == 404
    assert guest.get(f"/guilds/{g['id']}").status_code == 404


@pytest.mark.parametrize("body,field", [({"max_age": -1}, "max_age"), ({"max_age": 604801}, "max_age"),
                                        ({"max_uses": 101}, "max_uses"), ({"temporary": "yes"}, "temporary")])
def test_invite_validation(server, body, field):
    owner = new_client(server)
    g = make_guild(owner)
    r = owner.post(f"/channels/{general(owner, g['id'])['id']}/invites", body)
    assert r.status_code == 400 and field in r.json()["errors"]


def test_ban_keeps_a_user_out_until_unbanned(server):
    owner, guest = new_client(server, "owner"), new_client(server, "trouble")
    g = make_guild(owner)
    code = invite_code(owner, general(owner, g["id"])["id"])
    join(guest, code)
    ok(owner.put(f"/guilds/{g['id']}/bans/{guest.id}", {"reason": "spam"}), 204)
    assert guest.get(f"/guilds/{g['id']}").status_code == 404
    assert ok(owner.get(f"/guilds/{g['id']}"))["member_count"] == 1
    bans = ok(owner.get(f"/guilds/{g['id']}/bans"))
    assert [(b["user"]["id"], b["reason"]) for b in bans] == [(guest.id, "spam")]
    assert ok(owner.get(f"/guilds/{g['id']}/bans/{guest.id}"))["user"]["id"] == guest.id
    r = guest.post(f"/invites/{code}")
    assert r.status_code == 403 and r.json()["code"] == 40007
    ok(owner.delete(f"/guilds/{g['id']}/bans/{guest.id}"), 204)
    assert owner.delete(f"/guilds/{g['id']}/bans/{guest.id}").status_code == 404
    assert join(guest, code)["new_member"] is True


def test_ban_of_a_non_member_and_of_nobody(server):
    owner, stranger = new_client(server, "owner"), new_client(server, "stranger")
    g = make_guild(owner)
    code = invite_code(owner, general(owner, g["id"])["id"])
    ok(owner.put(f"/guilds/{g['id']}/bans/{stranger.id}"), 204)
    assert stranger.post(f"/invites/{code}").status_code == 403
    r = owner.put(f"/guilds/{g['id']}/bans/1234567890123456789")
    assert r.status_code == 404 and r.json()["code"] == 10013
    assert owner.put(f"/guilds/{g['id']}/bans/{owner.id}").status_code == 403


def test_kick_and_hierarchy(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    code = invite_code(owner, general(owner, g["id"])["id"])
    plain = member_with(server, owner, g["id"], code, None, "plain")
    senior = member_with(server, owner, g["id"], code, KICK_MEMBERS, "senior")  # role created first: lower
    mod = member_with(server, owner, g["id"], code, KICK_MEMBERS, "mod")
    roles = {r["name"]: r["position"] for r in ok(owner.get(f"/guilds/{g['id']}/roles"))}
    assert roles["senior"] > roles["mod"], "a new role goes to the bottom"
    assert mod.delete(f"/guilds/{g['id']}/members/{senior.id}").status_code == 403, "not at or above own role"
    assert mod.delete(f"/guilds/{g['id']}/members/{owner.id}").status_code == 403, "never the owner"
    ok(mod.delete(f"/guilds/{g['id']}/members/{plain.id}"), 204)
    assert plain.get(f"/guilds/{g['id']}").status_code == 404
    ok(senior.delete(f"/guilds/{g['id']}/members/{mod.id}"), 204)
    assert mod.delete(f"/guilds/{g['id']}/members/{owner.id}").status_code == 404, "gone: no longer a member"
    assert owner.delete(f"/guilds/{g['id']}/members/{plain.id}").status_code == 404


def test_leave_and_owner_cannot_leave(server):
    owner, guest = new_client(server, "owner"), new_client(server, "guest")
    g = make_guild(owner)
    join(guest, invite_code(owner, general(owner, g["id"])["id"]))
    ok(guest.delete(f"/users/@me/guilds/{g['id']}"), 204)
    assert guest.get(f"/guilds/{g['id']}").status_code == 404
    assert ok(guest.get("/users/@me/guilds")) == []
    assert ok(owner.get(f"/guilds/{g['id']}"))["member_count"] == 1
    r = owner.delete(f"/users/@me/guilds/{g['id']}")
    assert r.status_code == 400 and r.json()["code"] == 50055


def test_ownership_transfer(server):
    owner, heir = new_client(server, "owner"), new_client(server, "heir")
    outsider = new_client(server, "outsider")
    g = make_guild(owner)
    join(heir, invite_code(owner, general(owner, g["id"])["id"]))
    assert heir.patch(f"/guilds/{g['id']}", {"owner_id": heir.id}).status_code == 403
    r = owner.patch(f"/guilds/{g['id']}", {"owner_id": outsider.id})
    assert r.status_code == 400 and "owner_id" in r.json()["errors"]
    assert ok(owner.patch(f"/guilds/{g['id']}", {"owner_id": heir.id}))["owner_id"] == heir.id
    assert owner.delete(f"/guilds/{g['id']}").status_code == 403
    ok(owner.delete(f"/users/@me/guilds/{g['id']}"), 204)
    ok(heir.delete(f"/guilds/{g['id']}"), 204)


def test_deleted_guild_leaves_nothing_reachable(server):
    owner, guest = new_client(server, "owner"), new_client(server, "guest")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    code = invite_code(owner, ch["id"])
    join(guest, code)
    ok(owner.delete(f"/guilds/{g['id']}"), 204)
    for c in (owner, guest):
        assert c.get(f"/guilds/{g['id']}").status_code == 404
        assert c.get(f"/channels/{ch['id']}").status_code == 404
        assert c.get(f"/guilds/{g['id']}/members").status_code == 404
        assert ok(c.get("/users/@me/guilds")) == []
    assert server.get(f"/api/v10/invites/{code}").status_code == 404
    assert new_client(server).post(f"/invites/{code}").status_code == 404


def test_channels_crud_categories_and_order(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    cat = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "Text", "type": 4}), 201)
    a = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "alpha", "parent_id": cat["id"], "topic": "t"}), 201)
    assert a["parent_id"] == cat["id"] and a["topic"] == "t"
    r = owner.post(f"/guilds/{g['id']}/channels", {"name": "bad", "parent_id": a["id"]})
    assert r.status_code == 400 and "parent_id" in r.json()["errors"], "a parent must be a category"
    r = owner.post(f"/guilds/{g['id']}/channels", {"name": "nested", "type": 4, "parent_id": cat["id"]})
    assert r.status_code == 400, "categories do not nest"
    b = ok(owner.patch(f"/channels/{a['id']}", {"name": "beta", "topic": None}))
    assert b["name"] == "beta" and b["topic"] is None
    ok(owner.patch(f"/guilds/{g['id']}/channels", [{"id": a["id"], "position": 0}, {"id": general(owner, g["id"])["id"], "position": 5}]), 204)
    chans = ok(owner.get(f"/guilds/{g['id']}/channels"))
    assert {c["name"]: c["position"] for c in chans}["general"] == 5
    deleted = ok(owner.delete(f"/channels/{cat['id']}"))
    assert deleted["id"] == cat["id"]
    time.sleep(0.3)
    assert ok(owner.get(f"/channels/{a['id']}"))["parent_id"] is None, "children of a deleted category are freed"
    assert owner.get(f"/channels/{cat['id']}").status_code == 404


@pytest.mark.parametrize("body,field", [({"name": ""}, "name"), ({"name": "n" * 101}, "name"),
                                        ({"name": "ok", "topic": "t" * 1025}, "topic"), ({"name": "ok", "type": 2}, "type"),
                                        ({}, "name"), ({"name": "ok", "parent_id": "abc"}, "parent_id")])
def test_channel_validation(server, body, field):
    owner = new_client(server)
    g = make_guild(owner)
    r = owner.post(f"/guilds/{g['id']}/channels", body)
    assert r.status_code == 400 and field in r.json()["errors"], r.text


def test_overwrites_hide_and_show_channels(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    code = invite_code(owner, general(owner, g["id"])["id"])
    guest = member_with(server, owner, g["id"], code, None, "guest")
    secret = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "secret"}), 201)
    ok(owner.put(f"/channels/{secret['id']}/permissions/{g['id']}", {"type": 0, "deny": str(VIEW_CHANNEL)}), 204)
    r = guest.get(f"/channels/{secret['id']}")
    assert r.status_code == 404 and r.json()["code"] == 10003
    assert "secret" not in [c["name"] for c in ok(guest.get(f"/guilds/{g['id']}/channels"))]
    ok(owner.put(f"/channels/{secret['id']}/permissions/{guest.id}", {"type": 1, "allow": str(VIEW_CHANNEL)}), 204)
    assert guest.get(f"/channels/{secret['id']}").status_code == 200
    ow = {o["id"]: o for o in ok(owner.get(f"/channels/{secret['id']}"))["permission_overwrites"]}
    assert ow[guest.id]["type"] == 1 and ow[g["id"]]["deny"] == str(VIEW_CHANNEL)
    ok(owner.delete(f"/channels/{secret['id']}/permissions/{guest.id}"), 204)
    assert guest.get(f"/channels/{secret['id']}").status_code == 404
    assert owner.delete(f"/channels/{secret['id']}/permissions/{guest.id}").status_code == 404
    r = owner.put(f"/channels/{secret['id']}/permissions/{guest.id}", {"allow": "1"})
    assert r.status_code == 400 and "type" in r.json()["errors"]


def test_roles_crud_positions_and_rules(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    code = invite_code(owner, general(owner, g["id"])["id"])
    low = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "low", "color": 255, "hoist": True}))
    assert low["position"] == 1 and low["color"] == 255 and low["hoist"] is True and low["permissions"] == "0"
    mod = member_with(server, owner, g["id"], code, MANAGE_ROLES, "mod")
    high = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "high"}))
    positions = {r["name"]: r["position"] for r in ok(owner.get(f"/guilds/{g['id']}/roles"))}
    assert positions == {"@everyone": 0, "high": 1, "mod": 2, "low": 3}, "each new role starts at the bottom"
    moved = ok(owner.patch(f"/guilds/{g['id']}/roles", [{"id": high["id"], "position": 5}, {"id": mod.role["id"], "position": 4}]))
    positions = {r["name"]: r["position"] for r in moved}
    assert positions["@everyone"] == 0 and positions["high"] == 5 and positions["mod"] == 4
    assert mod.patch(f"/guilds/{g['id']}/roles", [{"id": low["id"], "position": 4}]).status_code == 403
    r = owner.patch(f"/guilds/{g['id']}/roles", [{"id": g["id"], "position": 3}])
    assert r.status_code == 400, "@everyone stays at the bottom"
    assert mod.patch(f"/guilds/{g['id']}/roles/{high['id']}", {"name": "mine"}).status_code == 403
    assert ok(mod.patch(f"/guilds/{g['id']}/roles/{low['id']}", {"name": "renamed"}))["name"] == "renamed"
    r = mod.post(f"/guilds/{g['id']}/roles", {"name": "godmode", "permissions": str(ADMINISTRATOR)})
    assert r.status_code == 403, "no one grants what they lack"
    assert mod.delete(f"/guilds/{g['id']}/roles/{g['id']}").status_code == 400
    r = owner.patch(f"/guilds/{g['id']}/roles/{g['id']}", {"name": "everybody"})
    assert r.status_code == 400
    ok(owner.patch(f"/guilds/{g['id']}/roles/{g['id']}", {"permissions": str(VIEW_CHANNEL)}))
    ok(mod.delete(f"/guilds/{g['id']}/roles/{low['id']}"), 204)
    assert owner.delete(f"/guilds/{g['id']}/roles/{low['id']}").status_code == 404
    r = owner.post(f"/guilds/{g['id']}/roles", {"permissions": "not-a-number"})
    assert r.status_code == 400 and "permissions" in r.json()["errors"]


def test_member_roles_and_nicknames(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    code = invite_code(owner, general(owner, g["id"])["id"])
    guest = member_with(server, owner, g["id"], code, None, "guest")
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "friend"}))
    m = ok(owner.patch(f"/guilds/{g['id']}/members/{guest.id}", {"roles": [role["id"]], "nick": "Pal"}))
    assert m["roles"] == [role["id"]] and m["nick"] == "Pal" and m["user"]["id"] == guest.id
    assert ok(guest.patch(f"/guilds/{g['id']}/members/@me", {"nick": "Me"}))["nick"] == "Me"
    assert guest.patch(f"/guilds/{g['id']}/members/{owner.id}", {"nick": "x"}).status_code == 403
    r = owner.patch(f"/guilds/{g['id']}/members/{guest.id}", {"roles": ["1234567890123456789"]})
    assert r.status_code == 400 and "roles" in r.json()["errors"]
    assert ok(guest.get(f"/guilds/{g['id']}/members/{guest.id}"))["nick"] == "Me"
    ok(owner.delete(f"/guilds/{g['id']}/roles/{role['id']}"), 204)
    assert ok(owner.get(f"/guilds/{g['id']}/members/{guest.id}"))["roles"] == [], "a deleted role leaves members"
    assert owner.get(f"/guilds/{g['id']}/members/1234567890123456789").status_code == 404


def test_members_pagination(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    code = invite_code(owner, general(owner, g["id"])["id"])
    for _ in range(4):
        join(new_client(server, "crowd"), code)
    all_ids = [m["user"]["id"] for m in ok(owner.get(f"/guilds/{g['id']}/members?limit=1000"))]
    assert len(all_ids) == 5 and all_ids == sorted(all_ids, key=int)
    assert len(ok(owner.get(f"/guilds/{g['id']}/members"))) == 1, "Discord's default limit is 1"
    page = ok(owner.get(f"/guilds/{g['id']}/members?limit=2&after={all_ids[1]}"))
    assert [m["user"]["id"] for m in page] == all_ids[2:4]
    assert owner.get(f"/guilds/{g['id']}/members?limit=0").status_code == 400
    assert owner.get(f"/guilds/{g['id']}/members?limit=1001").status_code == 400


def test_unknown_and_malformed_ids(server):
    owner = new_client(server)
    for path, code in (("/guilds/1234567890123456789", 10004), ("/guilds/abc", 10004),
                       ("/channels/1234567890123456789", 10003), ("/channels/x", 10003)):
        r = owner.get(path)
        assert r.status_code == 404 and r.json()["code"] == code, path


def test_invite_without_expiry(server, dynamodb):
    owner, guest = new_client(server, "owner"), new_client(server, "guest")
    g = make_guild(owner)
    code = invite_code(owner, general(owner, g["id"])["id"], max_age=0)
    assert server.get(f"/api/v10/invites/{code}").json()["expires_at"] is None
    from conftest import ddb_call
    prefix = server.env["TABLE_PREFIX"]
    _, item = ddb_call(dynamodb.endpoint, "GetItem", {"TableName": f"{prefix}invites", "Key": {"code": {"S": code}}})
    assert "expires_at" not in item["Item"], "DynamoDB's TTL must not see a 0 (a date in 1970)"
    assert join(guest, code)["new_member"] is True


def test_moves_need_positions(server):
    owner = new_client(server)
    g = make_guild(owner)
    ch = general(owner, g["id"])
    for path in (f"/guilds/{g['id']}/channels", f"/guilds/{g['id']}/roles"):
        r = owner.patch(path, [{"id": ch["id"]}])
        assert r.status_code == 400 and "position" in r.json()["errors"]["0"], r.text
