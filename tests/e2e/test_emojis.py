"""Custom emoji: the guild routes, their permissions and limits, GUILD_EMOJIS_UPDATE and the emoji in
GUILD_CREATE, and reactions with a guild's own emoji."""
import urllib.parse

import pytest
import requests

from emoji_helpers import data_uri, gif_two_frames, make_emoji
from gateway_helpers import Gateway
from guild_helpers import general, invite_code, join, make_guild, member_with, new_client, ok
from media_helpers import png

CREATE_EXPRESSIONS = 1 << 43
MANAGE_EXPRESSIONS = 1 << 30
GUILD_EMOJIS_INTENT = 1 << 3
GUILDS_INTENT = 1 << 0
SEND, READ_HISTORY, ADD_REACTIONS = 1 << 11, 1 << 16, 1 << 6


@pytest.fixture
def room(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    return owner, g, ch, invite_code(owner, ch["id"])


def error(r, status, code):
    assert r.status_code == status, f"{r.status_code} {r.text}"
    assert r.json()["code"] == code, r.text
    return r.json()


def test_create_list_get_modify_delete(room):
    owner, g, _, _ = room
    made = make_emoji(owner, g["id"], "blob_1")
    assert set(made) >= {"id", "name", "roles", "user", "require_colons", "managed", "animated", "available"}
    assert (made["name"], made["roles"], made["animated"], made["managed"]) == ("blob_1", [], False, False)
    assert made["require_colons"] is True and made["available"] is True and made["user"]["id"] == owner.id
    moving = make_emoji(owner, g["id"], "dance", data_uri(gif_two_frames(), "image/gif"))
    assert moving["animated"] is True
    listed = ok(owner.get(f"/guilds/{g['id']}/emojis"))
    assert sorted(e["name"] for e in listed) == ["blob_1", "dance"]
    assert all(e["user"]["id"] == owner.id for e in listed)  # the owner holds MANAGE_GUILD_EXPRESSIONS
    got = ok(owner.get(f"/guilds/{g['id']}/emojis/{made['id']}"))
    assert got == made
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "vip"}))
    changed = ok(owner.patch(f"/guilds/{g['id']}/emojis/{made['id']}", {"name": "renamed", "roles": [role["id"]]}))
    assert (changed["id"], changed["name"], changed["roles"]) == (made["id"], "renamed", [role["id"]])
    assert ok(owner.get(f"/guilds/{g['id']}/emojis/{made['id']}"))["name"] == "renamed"
    assert ok(owner.patch(f"/guilds/{g['id']}/emojis/{made['id']}", {"roles": None}))["roles"] == []
    guild = ok(owner.get(f"/guilds/{g['id']}"))
    assert sorted(e["name"] for e in guild["emojis"]) == ["dance", "renamed"]
    ok(owner.delete(f"/guilds/{g['id']}/emojis/{made['id']}"), 204)
    error(owner.get(f"/guilds/{g['id']}/emojis/{made['id']}"), 404, 10014)
    error(owner.delete(f"/guilds/{g['id']}/emojis/{made['id']}"), 404, 10014)
    error(owner.patch(f"/guilds/{g['id']}/emojis/{made['id']}", {"name": "again"}), 404, 10014)
    error(owner.get(f"/guilds/{g['id']}/emojis/notanid"), 404, 10014)
    assert [e["name"] for e in ok(owner.get(f"/guilds/{g['id']}/emojis"))] == ["dance"]


def test_bad_bodies_are_field_errors(room):
    owner, g, _, _ = room
    for body, field in [({"name": "x", "image": data_uri(png(4, 4))}, "name"),
                        ({"name": "has space", "image": data_uri(png(4, 4))}, "name"),
                        ({"name": "a" * 33, "image": data_uri(png(4, 4))}, "name"),
                        ({"image": data_uri(png(4, 4))}, "name"),
                        ({"name": "noimage"}, "image"),
                        ({"name": "notaimage", "image": "https://example.com/a.png"}, "image"),
                        ({"name": "notapng", "image": data_uri(b"plain text, not a picture")}, "image"),
                        ({"name": "badroles", "image": data_uri(png(4, 4)), "roles": ["nope"]}, "roles"),
                        ({"name": "foreign", "image": data_uri(png(4, 4)), "roles": ["123456789012345678"]},
                         "roles")]:
        body = error(owner.post(f"/guilds/{g['id']}/emojis", body), 400, 50035)
        assert field in body["errors"], (field, body)
    error(owner.post(f"/guilds/{g['id']}/emojis", [1, 2]), 400, 50035)
    assert ok(owner.get(f"/guilds/{g['id']}/emojis")) == []


def test_permissions(room, server):
    owner, g, _, code = room
    outsider = new_client(server, "outsider")
    error(outsider.get(f"/guilds/{g['id']}/emojis"), 404, 10004)
    plain = member_with(server, owner, g["id"], code, None, "plain")
    theirs = make_emoji(owner, g["id"], "owners")
    listed = ok(plain.get(f"/guilds/{g['id']}/emojis"))
    assert [e["name"] for e in listed] == ["owners"] and "user" not in listed[0]  # no creator without MANAGE
    error(plain.post(f"/guilds/{g['id']}/emojis", {"name": "mine", "image": data_uri(png(4, 4))}), 403, 50013)
    error(plain.patch(f"/guilds/{g['id']}/emojis/{theirs['id']}", {"name": "stolen"}), 403, 50013)
    error(plain.delete(f"/guilds/{g['id']}/emojis/{theirs['id']}"), 403, 50013)
    maker = member_with(server, owner, g["id"], code, CREATE_EXPRESSIONS, "maker")
    own = make_emoji(maker, g["id"], "makers")
    assert all("user" in e for e in ok(maker.get(f"/guilds/{g['id']}/emojis")))  # CREATE shows creators in a list
    assert ok(maker.get(f"/guilds/{g['id']}/emojis/{own['id']}"))["user"]["id"] == maker.id
    assert "user" not in ok(maker.get(f"/guilds/{g['id']}/emojis/{theirs['id']}"))  # ... one only to its maker
    assert "user" not in ok(plain.get(f"/guilds/{g['id']}/emojis/{own['id']}"))
    assert ok(maker.patch(f"/guilds/{g['id']}/emojis/{own['id']}", {"name": "makers2"}))["name"] == "makers2"
    error(maker.patch(f"/guilds/{g['id']}/emojis/{theirs['id']}", {"name": "stolen"}), 403, 50013)
    error(maker.delete(f"/guilds/{g['id']}/emojis/{theirs['id']}"), 403, 50013)
    manager = member_with(server, owner, g["id"], code, MANAGE_EXPRESSIONS, "manager")
    error(manager.post(f"/guilds/{g['id']}/emojis", {"name": "nocreate", "image": data_uri(png(4, 4))}), 403,
          50013)
    assert ok(manager.patch(f"/guilds/{g['id']}/emojis/{own['id']}", {"name": "managed"}))["name"] == "managed"
    ok(manager.delete(f"/guilds/{g['id']}/emojis/{own['id']}"), 204)
    ok(maker.delete(f"/guilds/{g['id']}/emojis/{theirs['id']}"), 403)
    assert [e["name"] for e in ok(owner.get(f"/guilds/{g['id']}/emojis"))] == ["owners"]


def test_image_size_limit(make_server):
    srv = make_server(EMOJI_MAX_BYTES="2048")
    owner = new_client(srv, "owner")
    g = make_guild(owner)
    big = png(64, 64, text=bytes(range(256)) * 12)  # a tEXt chunk makes it larger than 2 KiB
    assert len(big) > 2048
    body = error(owner.post(f"/guilds/{g['id']}/emojis", {"name": "big", "image": data_uri(big)}), 400, 50035)
    assert body["errors"]["image"]["_errors"][0]["code"] == "BINARY_TYPE_MAX_SIZE"
    make_emoji(owner, g["id"], "small", data_uri(png(8, 8)))


def test_fifty_static_emoji_then_30008_while_animated_still_fit(room):
    owner, g, _, _ = room
    image = data_uri(png(4, 4))
    for i in range(50):
        make_emoji(owner, g["id"], f"e{i:02d}", image)
    error(owner.post(f"/guilds/{g['id']}/emojis", {"name": "one_more", "image": image}), 400, 30008)
    make_emoji(owner, g["id"], "moving", data_uri(gif_two_frames(), "image/gif"))
    first = ok(owner.get(f"/guilds/{g['id']}/emojis"))[0]
    ok(owner.delete(f"/guilds/{g['id']}/emojis/{first['id']}"), 204)
    make_emoji(owner, g["id"], "fits_again", image)
    assert len(ok(owner.get(f"/guilds/{g['id']}/emojis"))) == 51


def test_guild_emojis_update_and_guild_create(room, server):
    owner, g, _, code = room
    member = new_client(server, "watcher")
    join(member, code)
    watching, deaf = Gateway(server), Gateway(server)
    try:
        watching.identify(member.token, intents=GUILDS_INTENT | GUILD_EMOJIS_INTENT)
        deaf.identify(member.token, intents=GUILDS_INTENT)
        made = make_emoji(owner, g["id"], "watched")
        d = watching.expect("GUILD_EMOJIS_UPDATE")["d"]
        assert d["guild_id"] == g["id"] and [(e["id"], e["name"]) for e in d["emojis"]] == [(made["id"], "watched")]
        assert "user" not in d["emojis"][0] and d["emojis"][0]["animated"] is False
        ok(owner.patch(f"/guilds/{g['id']}/emojis/{made['id']}", {"name": "rewatched"}))
        d = watching.expect("GUILD_EMOJIS_UPDATE")["d"]
        assert [e["name"] for e in d["emojis"]] == ["rewatched"]
        edited = ok(owner.patch(f"/guilds/{g['id']}", {"name": "renamed guild"}))
        assert [e["name"] for e in edited["emojis"]] == ["rewatched"]
        d = watching.expect("GUILD_UPDATE")["d"]
        assert [e["name"] for e in d["emojis"]] == ["rewatched"], "a GUILD_UPDATE keeps the emoji"
        deaf.none("GUILD_EMOJIS_UPDATE", within=0.5)
        later = Gateway(server)
        try:
            later.send(2, {"token": member.token, "intents": GUILDS_INTENT,
                           "properties": {"os": "linux", "browser": "t", "device": "t"}})
            later.expect("READY")
            created = later.expect("GUILD_CREATE")["d"]
            assert [(e["id"], e["name"]) for e in created["emojis"]] == [(made["id"], "rewatched")]
        finally:
            later.close()
        ok(owner.delete(f"/guilds/{g['id']}/emojis/{made['id']}"), 204)
        assert watching.expect("GUILD_EMOJIS_UPDATE")["d"]["emojis"] == []
    finally:
        watching.close()
        deaf.close()


def test_custom_emoji_reactions(room, server):
    owner, g, ch, code = room
    friend = member_with(server, owner, g["id"], code, None, "friend")
    moving = make_emoji(owner, g["id"], "party", data_uri(gif_two_frames(), "image/gif"))
    still = make_emoji(owner, g["id"], "blob")
    content = f"hello <:blob:{still['id']}> and <a:party:{moving['id']}>"
    m = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": content}))
    assert ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}"))["content"] == content
    base = f"/channels/{ch['id']}/messages/{m['id']}/reactions"
    gw = Gateway(server)
    try:
        gw.identify(owner.token)
        ok(friend.put(f"{base}/{urllib.parse.quote('party:' + moving['id'])}/@me"), 204)
        d = gw.expect("MESSAGE_REACTION_ADD")["d"]
        assert d["emoji"] == {"id": moving["id"], "name": "party", "animated": True}
        ok(owner.put(f"{base}/a:party:{moving['id']}/@me"), 204)  # discord.js's form
        ok(owner.put(f"{base}/wrongname:{still['id']}/@me"), 204)  # the name is the guild's, whatever is sent
        ok(friend.put(f"{base}/{still['id']}/@me"), 204)  # the bare id
        reactions = {r["emoji"]["id"]: r for r in ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}"))["reactions"]}
        assert reactions[moving["id"]]["count"] == 2 and reactions[moving["id"]]["emoji"]["animated"] is True
        assert reactions[still["id"]]["count"] == 2 and reactions[still["id"]]["emoji"] == {
            "id": still["id"], "name": "blob", "animated": False}
        users = ok(owner.get(f"{base}/blob:{still['id']}"))
        assert sorted(u["id"] for u in users) == sorted([owner.id, friend.id])
        error(owner.put(f"{base}/ghost:123456789012345678/@me"), 400, 10014)
        error(owner.get(f"{base}/ghost:123456789012345678"), 400, 10014)
        # another guild's emoji is unknown here
        other = make_guild(owner, "other")
        foreign = make_emoji(owner, other["id"], "foreign")
        error(owner.put(f"{base}/foreign:{foreign['id']}/@me"), 400, 10014)
        ok(friend.delete(f"{base}/party:{moving['id']}/@me"), 204)
        d = gw.expect("MESSAGE_REACTION_REMOVE")["d"]
        assert d["emoji"]["id"] == moving["id"] and d["emoji"]["name"] == "party"
        # renamed, then deleted: its reactions stay removable by id
        ok(owner.patch(f"/guilds/{g['id']}/emojis/{still['id']}", {"name": "blob_new"}))
        ok(owner.put(f"{base}/blob_new:{still['id']}/@me"), 204)  # already there under the old key
        reactions = {r["emoji"]["id"]: r for r in ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}"))["reactions"]}
        assert reactions[still["id"]]["count"] == 2
        ok(owner.delete(f"/guilds/{g['id']}/emojis/{still['id']}"), 204)
        ok(friend.delete(f"{base}/blob:{still['id']}/@me"), 204)
        ok(owner.delete(f"{base}/{still['id']}"), 204)
        left = ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}")).get("reactions", [])
        assert [(r["emoji"]["id"], r["count"]) for r in left] == [(moving["id"], 1)]
    finally:
        gw.close()


def test_an_emoji_whitelisted_to_roles_is_for_their_members(room, server):
    owner, g, ch, code = room
    vip = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "vip"}))
    emoji = make_emoji(owner, g["id"], "vip_only", roles=[vip["id"]])
    assert emoji["roles"] == [vip["id"]]
    outsider = member_with(server, owner, g["id"], code, None, "novip")
    insider = member_with(server, owner, g["id"], code, None, "vip")
    ok(owner.put(f"/guilds/{g['id']}/members/{insider.id}/roles/{vip['id']}"), 204)
    m = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "vip"}))
    base = f"/channels/{ch['id']}/messages/{m['id']}/reactions/vip_only:{emoji['id']}"
    error(outsider.put(f"{base}/@me"), 400, 10014)
    ok(insider.put(f"{base}/@me"), 204)
    ok(owner.put(f"{base}/@me"), 204)  # the owner may take any role
    ok(outsider.get(base))  # reading who reacted is for everyone
    ok(outsider.delete(f"{base}/@me"), 204)


def test_a_deleted_guilds_emoji_are_purged(server, dynamodb):
    from conftest import ddb_call, wait_until
    owner = new_client(server, "owner")
    g = make_guild(owner)
    made = make_emoji(owner, g["id"], "doomed")
    ok(owner.delete(f"/guilds/{g['id']}"), 204)
    error(owner.get(f"/guilds/{g['id']}/emojis"), 404, 10004)
    table = server.env["TABLE_PREFIX"] + "emojis"
    key = {"guild_id": {"S": g["id"]}, "emoji_id": {"S": made["id"]}}

    def gone():
        _, item = ddb_call(dynamodb.endpoint, "GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
        return "Item" not in item

    wait_until(gone, 10, "the emoji item purged")


def test_emoji_routes_need_a_token(server):
    r = requests.get(server.url("/api/v10/guilds/1/emojis"), timeout=10)
    assert r.status_code == 401


def test_an_emoji_made_on_one_process_reaches_the_other(dynamodb, make_server, redis):
    """GUILD_EMOJIS_UPDATE crosses the broker, and the other process's later GUILD_CREATE lists the emoji."""
    import uuid

    from conftest import init_db, wait_until
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    assert init_db(dynamodb.endpoint, prefix).returncode == 0
    a = make_server(prefix=prefix, REDIS_URL=redis.url, WORKER_ID="1")
    b = make_server(prefix=prefix, REDIS_URL=redis.url, WORKER_ID="2")
    for srv in (a, b):
        wait_until(lambda: '"redis connected"' in srv.log_text(), 10, "redis connected")
    owner = new_client(a, "owner")
    g = make_guild(owner)
    member = new_client(a, "member")
    join(member, invite_code(owner, general(owner, g["id"])["id"]))
    gw = Gateway(b)
    try:
        gw.identify(member.token)
        made = make_emoji(owner, g["id"], "across")
        d = gw.expect("GUILD_EMOJIS_UPDATE")["d"]
        assert [e["id"] for e in d["emojis"]] == [made["id"]]
        again = Gateway(b)
        try:
            again.send(2, {"token": owner.token, "intents": GUILDS_INTENT,
                           "properties": {"os": "linux", "browser": "t", "device": "t"}})
            again.expect("READY")
            created = again.expect("GUILD_CREATE")["d"]
            assert [e["name"] for e in created["emojis"]] == ["across"]
        finally:
            again.close()
    finally:
        gw.close()


def _store(server):
    import boto3
    env = server.env
    return boto3.client("s3", endpoint_url=env["S3_ENDPOINT"], region_name=env.get("S3_REGION") or "us-east-1",
                        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])


def test_the_image_is_stored_under_the_emoji_and_goes_with_it(room, server):
    from conftest import wait_until
    from media_helpers import png_size
    owner, g, _, _ = room
    s3, bucket = _store(server), server.env["S3_BUCKET"]
    still = make_emoji(owner, g["id"], "stored", data_uri(png(24, 20, text=b"where it was made")))
    body = s3.get_object(Bucket=bucket, Key=f"emojis/{still['id']}")["Body"].read()
    assert png_size(body) == (24, 20) and b"where it was made" not in body, "kept as a picture, without metadata"
    moving = make_emoji(owner, g["id"], "moving", data_uri(gif_two_frames(), "image/gif"))
    gif = s3.get_object(Bucket=bucket, Key=f"emojis/{moving['id']}")["Body"].read()
    assert gif[:4] == b"GIF8" and moving["animated"] is True
    ok(owner.delete(f"/guilds/{g['id']}/emojis/{still['id']}"), 204)

    def gone():
        try:
            s3.head_object(Bucket=bucket, Key=f"emojis/{still['id']}")
            return False
        except s3.exceptions.ClientError:
            return True

    wait_until(gone, 10, "the emoji's image deleted")
    s3.head_object(Bucket=bucket, Key=f"emojis/{moving['id']}")  # the other one stays


def test_the_image_is_read_through_the_cdn(room, server):
    from media_helpers import png_size
    owner, g, _, _ = room
    still = make_emoji(owner, g["id"], "cdn_still", data_uri(png(40, 40)))
    moving = make_emoji(owner, g["id"], "cdn_moving", data_uri(gif_two_frames(), "image/gif"))
    r = requests.get(server.url(f"/emojis/{still['id']}.png"), timeout=10)
    assert r.status_code == 200 and png_size(r.content) == (40, 40)
    r = requests.get(server.url(f"/emojis/{still['id']}.png?size=16"), timeout=10)
    assert r.status_code == 200 and png_size(r.content) == (16, 16)
    r = requests.get(server.url(f"/emojis/{moving['id']}.gif"), timeout=10)
    assert r.status_code == 200 and r.content[:4] == b"GIF8"
    ok(owner.delete(f"/guilds/{g['id']}/emojis/{still['id']}"), 204)
    from conftest import wait_until
    wait_until(lambda: requests.get(server.url(f"/emojis/{still['id']}.png"), timeout=10).status_code == 404, 10,
               "a deleted emoji's image to be gone from the CDN")
