"""docs/COMPATIBILITY.md against the live server: every route it lists as served is routed (neither 404 nor
405, with real ids from a guild made here), every route not served yet answers 501 with Discord's error body.
One request per route."""
import re
import urllib.parse

import pytest

from conftest import ROOT
from emoji_helpers import make_emoji
from guild_helpers import general, invite_code, join, make_guild, new_client, ok

ROW = re.compile(r"^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \| (served|not yet: [^|]+?) \| [^|]+ \|$")


def table():
    rows = []
    for line in (ROOT / "docs" / "COMPATIBILITY.md").read_text().splitlines():
        m = ROW.match(line)
        if m:
            rows.append((m.group(1), m.group(2), m.group(3)))
    return rows


def test_the_table_is_complete_and_unique():
    rows = table()
    assert len(rows) > 200
    shapes = [(m, re.sub(r"\{[^}]*\}", "{}", p)) for m, p, _ in rows]
    assert len(shapes) == len(set(shapes)), "each route once"
    for must in [("GET", "/channels/{channel_id}/messages/pins"), ("GET", "/guilds/{guild_id}/members/search"),
                 ("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"), ("GET", "/gateway/bot"),
                 ("GET", "/users/@me/guilds/{guild_id}/member")]:
        assert (must[0], must[1], "served") in rows, must


@pytest.fixture(scope="module")
def world(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    code = invite_code(owner, ch["id"])
    target, banned = new_client(server, "target"), new_client(server, "banned")
    join(target, code)
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "role"}))
    msg = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "hello"}))
    spare_msg = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "to delete"}))
    ok(owner.put(f"/channels/{ch['id']}/permissions/{role['id']}", {"type": 0, "allow": "0", "deny": "0"}), 204)
    ok(owner.put(f"/guilds/{g['id']}/bans/{banned.id}", {}), 204)
    thumbs = urllib.parse.quote("👍")
    ok(owner.put(f"/channels/{ch['id']}/messages/{msg['id']}/reactions/{thumbs}/@me"), 204)
    spare_guild = make_guild(owner, "spare")
    spare_channel = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "spare"}))
    spare_invite = invite_code(owner, ch["id"])
    emoji = make_emoji(owner, g["id"], "compat")
    ids = {"guild_id": g["id"], "channel_id": ch["id"], "message_id": msg["id"], "user_id": target.id,
           "role_id": role["id"], "overwrite_id": role["id"], "emoji": thumbs, "code": code,
           "emoji_id": emoji["id"]}
    # What a destructive route may take without taking what the others need.
    overrides = {("DELETE", "/guilds/{guild_id}"): {"guild_id": spare_guild["id"]},
                 ("DELETE", "/channels/{channel_id}"): {"channel_id": spare_channel["id"]},
                 ("DELETE", "/invites/{code}"): {"code": spare_invite},
                 ("DELETE", "/channels/{channel_id}/messages/{message_id}"): {"message_id": spare_msg["id"]}}
    return owner, ids, overrides, banned


def fill(path, ids):
    return re.sub(r"\{([^}]*)\}", lambda m: ids.get(m.group(1), "1"), path)


def test_every_route_is_served_or_answers_not_yet(world):
    owner, ids, overrides, banned = world
    rows = table()
    # Reads and writes first, removals last (the longest paths first, so that a thing outlives its parts), and
    # logging out (which retires the owner's token) after everything.
    rows.sort(key=lambda r: (r[:2] == ("POST", "/auth/logout"), r[0] == "DELETE",
                             -len(r[1]) if r[0] == "DELETE" else 0))
    failures = []
    for method, path, state in rows:
        these = dict(ids, **overrides.get((method, path), {}))
        if "/bans/" in path:
            these["user_id"] = banned.id
        r = owner.call(method, fill(path, these))
        if state == "served":
            if r.status_code in (404, 405, 501):
                failures.append(f"{method} {path}: {r.status_code} {r.text[:200]}")
        else:
            body = r.json() if r.headers.get("Content-Type", "").startswith("application/json") else None
            good = (r.status_code == 501 and isinstance(body, dict) and body.get("code") == 0 and
                    str(body.get("message", "")).endswith(" is not available on this server yet") and
                    set(body) == {"code", "message"})
            if not good:
                failures.append(f"{method} {path} ({state}): {r.status_code} {r.text[:200]}")
    assert not failures, "\n".join(failures)


def test_a_route_not_served_yet_still_needs_a_token(server):
    import requests
    r = requests.get(server.url("/api/v10/guilds/1/webhooks"), timeout=10)
    assert r.status_code == 401 and r.json() == {"code": 0, "message": "401: Unauthorized"}
