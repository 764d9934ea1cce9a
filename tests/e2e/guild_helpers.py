"""Small client helpers for the guild tests."""
import requests

from conftest import register, unique_name

VIEW_CHANNEL = 1 << 10


class Client:
    def __init__(self, server, user):
        self.server, self.user = server, user
        self.id, self.token = user["id"], user["token"]

    def call(self, method, path, body=None, **kw):
        headers = {"Authorization": self.token}
        if body is not None:
            kw["json"] = body
        return requests.request(method, self.server.url("/api/v10" + path), headers=headers, timeout=60, **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("PATCH", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.call("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


def new_client(server, stem="user"):
    return Client(server, register(server, username=unique_name(stem)))


def ok(r, status=(200, 201, 204)):
    statuses = status if isinstance(status, tuple) else (status,)
    assert r.status_code in statuses, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    return r.json() if r.status_code != 204 else None


def make_guild(owner, name="Test Guild"):
    return ok(owner.post("/guilds", {"name": name}), 201)


def invite_code(owner, channel_id, **body):
    return ok(owner.post(f"/channels/{channel_id}/invites", body))["code"]


def join(client, code):
    return ok(client.post(f"/invites/{code}"))


def general(owner, guild_id):
    return [c for c in ok(owner.get(f"/guilds/{guild_id}/channels")) if c["name"] == "general"][0]


def member_with(server, owner, guild_id, code, permissions, stem="member"):
    """A new member holding a new role with exactly these permissions (plus VIEW_CHANNEL)."""
    c = new_client(server, stem)
    join(c, code)
    if permissions is not None:
        role = ok(owner.post(f"/guilds/{guild_id}/roles", {"name": stem, "permissions": str(permissions | VIEW_CHANNEL)}))
        ok(owner.patch(f"/guilds/{guild_id}/members/{c.id}", {"roles": [role["id"]]}))
        c.role = role
    return c


def snapshot(owner, guild_id):
    """Everything the owner can see of a guild, to show that a refused call changed nothing."""
    parts = {}
    for key, path in (("guild", f"/guilds/{guild_id}"), ("channels", f"/guilds/{guild_id}/channels"),
                      ("roles", f"/guilds/{guild_id}/roles"), ("members", f"/guilds/{guild_id}/members?limit=1000"),
                      ("bans", f"/guilds/{guild_id}/bans"), ("invites", f"/guilds/{guild_id}/invites")):
        r = owner.get(path)
        parts[key] = (r.status_code, r.json())
    return parts
