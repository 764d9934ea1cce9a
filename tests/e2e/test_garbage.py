"""Every route, fed garbage bodies, ids and query strings: answers stay 4xx in Discord's shape, never 5xx, and
the server keeps serving."""
import json

import pytest
import requests

from guild_helpers import general, invite_code, make_guild, new_client, ok

ROUTES = [
    ("POST", "/auth/register"), ("POST", "/auth/login"), ("PATCH", "/users/@me"), ("GET", "/users/{u}"),
    ("POST", "/guilds"), ("GET", "/guilds/{g}"), ("PATCH", "/guilds/{g}"), ("GET", "/users/@me/guilds"),
    ("GET", "/guilds/{g}/channels"), ("POST", "/guilds/{g}/channels"), ("PATCH", "/guilds/{g}/channels"),
    ("GET", "/channels/{c}"), ("PATCH", "/channels/{c}"), ("PUT", "/channels/{c}/permissions/{u}"),
    ("GET", "/guilds/{g}/roles"), ("POST", "/guilds/{g}/roles"), ("PATCH", "/guilds/{g}/roles"),
    ("PATCH", "/guilds/{g}/roles/{g}"), ("GET", "/guilds/{g}/members"), ("PATCH", "/guilds/{g}/members/{u}"),
    ("PATCH", "/guilds/{g}/members/@me"), ("PUT", "/guilds/{g}/bans/{u}"), ("GET", "/guilds/{g}/bans"),
    ("POST", "/channels/{c}/invites"), ("GET", "/invites/{code}"), ("POST", "/invites/{code}"),
    ("GET", "/channels/{c}/messages"), ("POST", "/channels/{c}/messages"), ("PATCH", "/channels/{c}/messages/{m}"),
    ("POST", "/channels/{c}/messages/bulk-delete"), ("PUT", "/channels/{c}/messages/{m}/reactions/{e}/@me"),
    ("GET", "/channels/{c}/messages/{m}/reactions/{e}"), ("PUT", "/channels/{c}/pins/{m}"),
    ("POST", "/users/@me/channels"), ("POST", "/channels/{c}/messages/{m}/ack"),
]

BODIES = [b"", b"null", b"[]", b"{}", b'"text"', b"123", b"{", b'{"a":' * 3000 + b"1" + b"}" * 3000,
          json.dumps({"name": None, "content": None, "username": [], "permissions": -1, "position": "x",
                      "roles": "x", "nick": 5, "recipients": {}, "messages": [None], "type": 99,
                      "max_age": 1e300, "parent_id": {}, "owner_id": []}).encode(),
          json.dumps({"name": "x" * 5000, "content": "y" * 5000, "topic": "z" * 5000}).encode(),
          json.dumps([{"id": "1", "position": 10 ** 30}]).encode(),
          json.dumps({"name": "\ud800"}, ensure_ascii=False).encode("utf-8", "surrogatepass")]

IDS = ["0", "-1", "abc", "9" * 30, "%00", "..", "%2e%2e", "1234567890123456789"]


@pytest.fixture(scope="module")
def target(server):
    owner = new_client(server, "garbage")
    g = make_guild(owner)
    c = general(owner, g["id"])
    m = ok(owner.post(f"/channels/{c['id']}/messages", {"content": "x"}))
    return owner, {"g": g["id"], "c": c["id"], "m": m["id"], "u": owner.id, "code": invite_code(owner, c["id"]),
                   "e": "%F0%9F%91%8D"}


def check(server, r):
    assert r.status_code < 500, f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:300]}"
    if r.status_code >= 400:
        body = r.json()
        assert isinstance(body.get("code"), int) and isinstance(body.get("message"), str), r.text


@pytest.mark.parametrize("method,path", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_garbage_bodies(server, target, method, path):
    owner, ids = target
    url = server.url("/api/v10" + path.format(**ids))
    for body in BODIES:
        check(server, requests.request(method, url, data=body, headers={"Authorization": owner.token,
                                                                         "Content-Type": "application/json"},
                                       timeout=30))


@pytest.mark.parametrize("method,path", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_garbage_ids_and_queries(server, target, method, path):
    owner, ids = target
    for bad in IDS:
        url = server.url("/api/v10" + path.format(**{k: bad for k in ids}))
        check(server, requests.request(method, url + "?limit=abc&before=x&after=-5&around=%zz", json={},
                                       headers={"Authorization": owner.token}, timeout=30))
    assert server.get("/healthz").status_code == 200
