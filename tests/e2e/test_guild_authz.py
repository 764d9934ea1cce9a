"""The authorization matrix: every guild endpoint tried by a non-member, a member without the permission, a member
holding exactly that permission, and the owner. Refusals must change nothing."""
import pytest

from guild_helpers import (VIEW_CHANNEL, general, invite_code, join, make_guild, member_with, new_client, ok,
                           snapshot)

P = {"CREATE_INSTANT_INVITE": 1 << 0, "KICK_MEMBERS": 1 << 1, "BAN_MEMBERS": 1 << 2, "MANAGE_CHANNELS": 1 << 4,
     "MANAGE_GUILD": 1 << 5, "MANAGE_NICKNAMES": 1 << 27, "MANAGE_ROLES": 1 << 28}


class World:
    def __init__(self, server):
        self.server = server
        self.owner = new_client(server, "owner")
        self.guild = make_guild(self.owner, "Matrix")
        self.gid = self.guild["id"]
        # @everyone may only look, so every other permission comes from a role.
        ok(self.owner.patch(f"/guilds/{self.gid}/roles/{self.gid}", {"permissions": str(VIEW_CHANNEL)}))
        self.general = general(self.owner, self.gid)
        self.code = invite_code(self.owner, self.general["id"])
        self.outsider = new_client(server, "outsider")
        self.without = member_with(server, self.owner, self.gid, self.code, None, "without")
        self.holders = {}

    def holder(self, perm):
        if perm not in self.holders:
            self.holders[perm] = member_with(self.server, self.owner, self.gid, self.code, P[perm], perm.lower())
        return self.holders[perm]

    def victim(self):
        c = new_client(self.server, "victim")
        join(c, self.code)
        return c

    def channel(self):
        return ok(self.owner.post(f"/guilds/{self.gid}/channels", {"name": "target"}), 201)

    def role(self):
        return ok(self.owner.post(f"/guilds/{self.gid}/roles", {"name": "target"}))


def r_patch_guild(w):
    return "PATCH", f"/guilds/{w.gid}", {"name": "Renamed by someone"}


def r_create_channel(w):
    return "POST", f"/guilds/{w.gid}/channels", {"name": "new-channel"}


def r_patch_channel(w):
    return "PATCH", f"/channels/{w.channel()['id']}", {"name": "changed", "topic": "x"}


def r_delete_channel(w):
    return "DELETE", f"/channels/{w.channel()['id']}", None


def r_move_channels(w):
    return "PATCH", f"/guilds/{w.gid}/channels", [{"id": w.general["id"], "position": 7}]


def r_put_overwrite(w):
    return "PUT", f"/channels/{w.channel()['id']}/permissions/{w.gid}", {"type": 0, "deny": "2048"}


def r_delete_overwrite(w):
    c = w.channel()
    ok(w.owner.put(f"/channels/{c['id']}/permissions/{w.gid}", {"type": 0, "deny": "2048"}), 204)
    return "DELETE", f"/channels/{c['id']}/permissions/{w.gid}", None


def r_create_role(w):
    return "POST", f"/guilds/{w.gid}/roles", {"name": "made"}


def r_patch_role(w):
    return "PATCH", f"/guilds/{w.gid}/roles/{w.role()['id']}", {"name": "renamed", "color": 5}


def r_delete_role(w):
    return "DELETE", f"/guilds/{w.gid}/roles/{w.role()['id']}", None


def r_nick(w):
    return "PATCH", f"/guilds/{w.gid}/members/{w.victim().id}", {"nick": "Renamed"}


def r_member_roles(w):
    return "PATCH", f"/guilds/{w.gid}/members/{w.victim().id}", {"roles": [w.role()["id"]]}


def r_kick(w):
    return "DELETE", f"/guilds/{w.gid}/members/{w.victim().id}", None


def r_ban(w):
    return "PUT", f"/guilds/{w.gid}/bans/{w.victim().id}", {"reason": "matrix"}


def r_unban(w):
    v = w.victim()
    ok(w.owner.put(f"/guilds/{w.gid}/bans/{v.id}"), 204)
    return "DELETE", f"/guilds/{w.gid}/bans/{v.id}", None


def r_list_bans(w):
    return "GET", f"/guilds/{w.gid}/bans", None


def r_create_invite(w):
    return "POST", f"/channels/{w.general['id']}/invites", {"max_age": 60}


def r_delete_invite(w):
    return "DELETE", f"/invites/{invite_code(w.owner, w.general['id'])}", None


def r_list_invites(w):
    return "GET", f"/guilds/{w.gid}/invites", None


def r_channel_invites(w):
    return "GET", f"/channels/{w.general['id']}/invites", None


MATRIX = [
    ("patch guild", "MANAGE_GUILD", r_patch_guild),
    ("create channel", "MANAGE_CHANNELS", r_create_channel),
    ("patch channel", "MANAGE_CHANNELS", r_patch_channel),
    ("delete channel", "MANAGE_CHANNELS", r_delete_channel),
    ("move channels", "MANAGE_CHANNELS", r_move_channels),
    ("put overwrite", "MANAGE_ROLES", r_put_overwrite),
    ("delete overwrite", "MANAGE_ROLES", r_delete_overwrite),
    ("create role", "MANAGE_ROLES", r_create_role),
    ("patch role", "MANAGE_ROLES", r_patch_role),
    ("delete role", "MANAGE_ROLES", r_delete_role),
    ("member nick", "MANAGE_NICKNAMES", r_nick),
    ("member roles", "MANAGE_ROLES", r_member_roles),
    ("kick", "KICK_MEMBERS", r_kick),
    ("ban", "BAN_MEMBERS", r_ban),
    ("unban", "BAN_MEMBERS", r_unban),
    ("list bans", "BAN_MEMBERS", r_list_bans),
    ("create invite", "CREATE_INSTANT_INVITE", r_create_invite),
    ("delete invite", "MANAGE_GUILD", r_delete_invite),
    ("list guild invites", "MANAGE_GUILD", r_list_invites),
    ("list channel invites", "MANAGE_CHANNELS", r_channel_invites),
]


@pytest.fixture(scope="module")
def world(server):
    return World(server)


@pytest.mark.parametrize("name,perm,make", MATRIX, ids=[m[0] for m in MATRIX])
def test_authorization_matrix(world, name, perm, make):
    for actor, expect in ((world.outsider, 404), (world.without, 403)):
        method, path, body = make(world)
        before = snapshot(world.owner, world.gid)
        r = actor.call(method, path, body)
        assert r.status_code == expect, f"{name}: {r.status_code} {r.text}"
        if expect == 403:
            assert r.json() == {"code": 50013, "message": "Missing Permissions"}
        assert snapshot(world.owner, world.gid) == before, f"{name}: a refused call changed something"
    for actor in (world.holder(perm), world.owner):
        method, path, body = make(world)
        r = actor.call(method, path, body)
        assert r.status_code in (200, 201, 204), f"{name} by {actor.user['username']}: {r.status_code} {r.text}"


def test_members_read_what_members_may_read(world):
    for path in (f"/guilds/{world.gid}", f"/guilds/{world.gid}/channels", f"/guilds/{world.gid}/roles",
                 f"/guilds/{world.gid}/members?limit=5", f"/guilds/{world.gid}/members/{world.owner.id}",
                 f"/channels/{world.general['id']}"):
        assert world.without.get(path).status_code == 200, path
        r = world.outsider.get(path)
        assert r.status_code == 404 and r.json()["code"] in (10003, 10004), path


def test_only_the_owner_deletes_or_hands_over_a_guild(server):
    w = World(server)
    admin = member_with(server, w.owner, w.gid, w.code, 1 << 3, "admin")
    before = snapshot(w.owner, w.gid)
    assert admin.delete(f"/guilds/{w.gid}").status_code == 403
    assert admin.patch(f"/guilds/{w.gid}", {"owner_id": admin.id}).status_code == 403
    assert w.outsider.delete(f"/guilds/{w.gid}").status_code == 404
    assert snapshot(w.owner, w.gid) == before
    assert ok(admin.patch(f"/guilds/{w.gid}", {"name": "Admins may rename"}))["name"] == "Admins may rename"
    ok(w.owner.delete(f"/guilds/{w.gid}"), 204)
