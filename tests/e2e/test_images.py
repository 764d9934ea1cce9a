"""Image data where Discord takes it (avatar and banner on users; icon, banner, splash, discovery_splash on
guilds; a role's icon): data URIs of PNG, JPEG, GIF or WebP, judged from the bytes, cleaned of metadata,
stored in the object store by content hash under the kind's key, answered as the hash ("a_" in front when
animated), and carried by the update events. Hostile input is refused with Discord's field errors: bytes that
are no image, decompression bombs (quickly, without the memory), images over the size limit."""
import os
import re
import time

import boto3
import pytest

from conftest import proc_status_kib
from gateway_helpers import Gateway
from guild_helpers import make_guild, new_client, ok
from image_fixtures import (GIF_ANIMATED_32x32, GIF_STILL_20x10, JPEG_48x32, PNG_64, WEBP_40x20,
                            WEBP_ANIMATED_24x24, data_uri, gif_frames, image_type, jpeg_with_exif, png_bomb,
                            webp_animated)
from media_helpers import png

HASH = re.compile(r"^[0-9a-f]{32}$")
ANIMATED = re.compile(r"^a_[0-9a-f]{32}$")


def store(server):
    """The object store the server writes to, as a plain S3 client sees it."""
    env = server.env
    return boto3.client("s3", endpoint_url=env["S3_ENDPOINT"], region_name=env.get("S3_REGION") or "us-east-1",
                        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])


def stored(server, key):
    """(bytes, content type) of the object at key."""
    obj = store(server).get_object(Bucket=server.env["S3_BUCKET"], Key=key)
    return obj["Body"].read(), obj["ContentType"]


def field_error(r, field):
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["code"] == 50035, body
    return body["errors"][field]["_errors"][0]


@pytest.fixture
def me(server):
    return new_client(server, "pictured")


# ---- the formats, and what is stored ----

@pytest.mark.parametrize("name,data,kind,animated", [
    ("png", PNG_64, "image/png", False),
    ("jpeg", JPEG_48x32, "image/jpeg", False),
    ("gif", GIF_STILL_20x10, "image/gif", False),
    ("animated gif", GIF_ANIMATED_32x32, "image/gif", True),
    ("webp", WEBP_40x20, "image/webp", False),
    ("animated webp", WEBP_ANIMATED_24x24, "image/webp", True),
])
def test_an_avatar_of_each_format_is_stored_by_its_hash(server, me, name, data, kind, animated):
    user = ok(me.patch("/users/@me", {"avatar": data_uri(data, kind)}))
    assert (ANIMATED if animated else HASH).match(user["avatar"]), user["avatar"]
    assert ok(me.get("/users/@me"))["avatar"] == user["avatar"]
    assert ok(me.get(f"/users/{me.id}"))["avatar"] == user["avatar"]
    body, ctype = stored(server, f"avatars/{me.id}/{user['avatar']}")
    assert ctype == kind and image_type(body) == kind
    if kind == "image/gif":
        assert gif_frames(body) == (3 if animated else gif_frames(body)) and (gif_frames(body) > 1) == animated
    if kind == "image/webp":
        assert webp_animated(body) == animated


def test_the_same_image_gives_the_same_hash_and_another_another(server, me):
    first = ok(me.patch("/users/@me", {"avatar": data_uri(PNG_64)}))["avatar"]
    again = ok(me.patch("/users/@me", {"avatar": data_uri(PNG_64)}))["avatar"]
    other = ok(me.patch("/users/@me", {"avatar": data_uri(png(8, 8))}))["avatar"]
    assert first == again and first != other


def test_png_text_chunks_are_stripped(server, me):
    assert b"secret location" in PNG_64
    avatar = ok(me.patch("/users/@me", {"avatar": data_uri(PNG_64)}))["avatar"]
    body, _ = stored(server, f"avatars/{me.id}/{avatar}")
    assert b"secret location" not in body and image_type(body) == "image/png"


def test_jpeg_exif_is_stripped(server, me):
    data = jpeg_with_exif("GPS 51.5007N 0.1246W secret")
    assert b"Exif" in data and b"secret" in data
    avatar = ok(me.patch("/users/@me", {"avatar": data_uri(data, "image/jpeg")}))["avatar"]
    body, ctype = stored(server, f"avatars/{me.id}/{avatar}")
    assert ctype == "image/jpeg" and image_type(body) == "image/jpeg"
    assert b"Exif" not in body and b"secret" not in body


def test_the_uri_type_is_not_trusted_the_bytes_are(server, me):
    avatar = ok(me.patch("/users/@me", {"avatar": data_uri(PNG_64, "image/gif")}))["avatar"]
    assert HASH.match(avatar)
    assert stored(server, f"avatars/{me.id}/{avatar}")[1] == "image/png"


def test_null_clears_and_banner_is_stored_beside(server, me):
    ok(me.patch("/users/@me", {"avatar": data_uri(PNG_64)}))
    user = ok(me.patch("/users/@me", {"banner": data_uri(JPEG_48x32, "image/jpeg")}))
    assert HASH.match(user["banner"]) and HASH.match(user["avatar"]), "the avatar stays"
    assert stored(server, f"banners/{me.id}/{user['banner']}")[1] == "image/jpeg"
    user = ok(me.patch("/users/@me", {"avatar": None}))
    assert user["avatar"] is None and user["banner"]
    user = ok(me.patch("/users/@me", {"banner": None}))
    assert user["banner"] is None
    assert ok(me.get("/users/@me"))["banner"] is None


# ---- hostile and bad input ----

@pytest.mark.parametrize("value", [
    data_uri(b"hello, this is plain text and no image at all", "image/png"),
    data_uri(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image/svg+xml"),
    data_uri(PNG_64[:40]),  # a truncated PNG
    "data:image/png;base64,!!!not base64!!!",
    "data:image/png,raw",
    "https://example.com/a.png",
    "",
])
def test_what_is_no_image_is_refused_and_changes_nothing(server, me, value):
    before = ok(me.patch("/users/@me", {"avatar": data_uri(PNG_64)}))["avatar"]
    err = field_error(me.patch("/users/@me", {"avatar": value}), "avatar")
    assert err["code"] == "IMAGE_INVALID" and err["message"]
    assert ok(me.get("/users/@me"))["avatar"] == before


def test_a_non_string_is_refused(server, me):
    assert field_error(me.patch("/users/@me", {"avatar": 5}), "avatar")["code"] == "BASE_TYPE_STRING"


def test_a_decompression_bomb_is_refused_quickly_and_without_the_memory(server, me):
    bomb = png_bomb(30000, 30000)
    assert len(bomb) < 200
    rss_before = proc_status_kib(server.proc.pid)
    started = time.monotonic()
    for _ in range(3):
        err = field_error(me.patch("/users/@me", {"avatar": data_uri(bomb)}), "avatar")
        assert err["code"] == "BINARY_TYPE_MAX_SIZE" and "pixels" in err["message"]
    assert time.monotonic() - started < 3
    assert proc_status_kib(server.proc.pid) - rss_before < 32 * 1024, "decoded nothing"
    assert ok(me.get("/users/@me"))["avatar"] is None


def test_animated_frames_count_against_the_pixel_limit(make_server):
    # 32 x 32 x 3 frames = 3072 pixels
    srv = make_server(IMAGE_MAX_PIXELS="3000")
    me = new_client(srv, "animated")
    err = field_error(me.patch("/users/@me", {"avatar": data_uri(GIF_ANIMATED_32x32, "image/gif")}), "avatar")
    assert err["code"] == "BINARY_TYPE_MAX_SIZE"
    assert HASH.match(ok(me.patch("/users/@me", {"avatar": data_uri(GIF_STILL_20x10, "image/gif")}))["avatar"])


def test_an_image_over_the_byte_limit_is_refused(make_server):
    srv = make_server(IMAGE_MAX_BYTES="2048")
    me = new_client(srv, "large")
    big = png(200, 200, text=b"x" * 4000)
    assert len(big) > 2048
    err = field_error(me.patch("/users/@me", {"avatar": data_uri(big)}), "avatar")
    assert err["code"] == "BINARY_TYPE_MAX_SIZE" and "2.0 kb" in err["message"]
    assert HASH.match(ok(me.patch("/users/@me", {"avatar": data_uri(png(4, 4))}))["avatar"])


def test_the_image_routes_take_bodies_as_large_as_an_image(make_server):
    # the JSON body limit is 1 MiB; an image of up to IMAGE_MAX_BYTES fits its routes' bodies as base64
    srv = make_server(IMAGE_MAX_BYTES=str(3 << 20))
    me = new_client(srv, "big")
    big = png(32, 32, text=os.urandom(1200 * 1024).hex().encode())  # 2.4 MB, 3.2 MB as base64
    user = ok(me.patch("/users/@me", {"avatar": data_uri(big)}))
    body, _ = stored(srv, f"avatars/{me.id}/{user['avatar']}")
    assert len(body) < 10_000, "the text chunk is gone"
    r = me.patch("/users/@me", {"avatar": data_uri(png(32, 32, text=b"0" * (4 << 20)))})
    assert r.status_code == 413 and r.json()["code"] == 40005
    g = make_guild(me)
    assert HASH.match(ok(me.patch(f"/guilds/{g['id']}", {"icon": data_uri(big)}))["icon"])
    r = me.post(f"/channels/{g['id']}/messages", {"content": "x" * (2 << 20)})
    assert r.status_code == 413, "other routes keep the JSON body limit"


# ---- guilds and roles ----

def test_guild_images_on_create_and_modify(server):
    owner = new_client(server, "owner")
    g = ok(owner.post("/guilds", {"name": "Pictured", "icon": data_uri(PNG_64)}), 201)
    assert HASH.match(g["icon"])
    assert stored(server, f"icons/{g['id']}/{g['icon']}")[1] == "image/png"
    changed = ok(owner.patch(f"/guilds/{g['id']}", {
        "icon": data_uri(GIF_ANIMATED_32x32, "image/gif"), "banner": data_uri(WEBP_40x20, "image/webp"),
        "splash": data_uri(JPEG_48x32, "image/jpeg"), "discovery_splash": data_uri(png(16, 9))}))
    assert ANIMATED.match(changed["icon"])
    assert HASH.match(changed["banner"]) and HASH.match(changed["splash"]) and HASH.match(changed["discovery_splash"])
    assert stored(server, f"icons/{g['id']}/{changed['icon']}")[1] == "image/gif"
    assert stored(server, f"banners/{g['id']}/{changed['banner']}")[1] == "image/webp"
    assert stored(server, f"splashes/{g['id']}/{changed['splash']}")[1] == "image/jpeg"
    assert stored(server, f"splashes/{g['id']}/{changed['discovery_splash']}")[1] == "image/png"
    fetched = ok(owner.get(f"/guilds/{g['id']}"))
    for field in ("icon", "banner", "splash", "discovery_splash"):
        assert fetched[field] == changed[field], field
    listed = {x["id"]: x for x in ok(owner.get("/users/@me/guilds"))}
    assert listed[g["id"]]["icon"] == changed["icon"] and listed[g["id"]]["banner"] == changed["banner"]
    cleared = ok(owner.patch(f"/guilds/{g['id']}", {"icon": None, "banner": None}))
    assert cleared["icon"] is None and cleared["banner"] is None and cleared["splash"] == changed["splash"]


def test_a_bad_guild_image_is_refused_by_field(server):
    owner = new_client(server, "owner")
    r = owner.post("/guilds", {"name": "Bad", "icon": data_uri(b"not an image")})
    assert field_error(r, "icon")["code"] == "IMAGE_INVALID"
    g = make_guild(owner)
    r = owner.patch(f"/guilds/{g['id']}", {"name": "Renamed", "splash": data_uri(png_bomb())})
    assert field_error(r, "splash")["code"] == "BINARY_TYPE_MAX_SIZE"
    assert ok(owner.get(f"/guilds/{g['id']}"))["name"] == g["name"], "nothing changed"


def test_only_managers_set_guild_images(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    stranger = new_client(server, "stranger")
    assert stranger.patch(f"/guilds/{g['id']}", {"icon": data_uri(PNG_64)}).status_code in (403, 404)


def test_role_icon_on_create_and_modify(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "pictured", "icon": data_uri(PNG_64)}))
    assert HASH.match(role["icon"])
    assert stored(server, f"role-icons/{role['id']}/{role['icon']}")[1] == "image/png"
    changed = ok(owner.patch(f"/guilds/{g['id']}/roles/{role['id']}", {"icon": data_uri(WEBP_40x20)}))
    assert HASH.match(changed["icon"]) and changed["icon"] != role["icon"]
    listed = {r["id"]: r for r in ok(owner.get(f"/guilds/{g['id']}/roles"))}
    assert listed[role["id"]]["icon"] == changed["icon"]
    assert ok(owner.patch(f"/guilds/{g['id']}/roles/{role['id']}", {"icon": None}))["icon"] is None
    r = owner.patch(f"/guilds/{g['id']}/roles/{role['id']}", {"icon": data_uri(b"GIF89a but not really")})
    assert field_error(r, "icon")["code"] == "IMAGE_INVALID"


# ---- the events carry the hashes ----

def test_update_events_carry_the_new_hashes(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    gw = Gateway(server)
    try:
        gw.identify(owner.token)
        avatar = ok(owner.patch("/users/@me", {"avatar": data_uri(GIF_ANIMATED_32x32, "image/gif")}))["avatar"]
        assert gw.expect("USER_UPDATE")["d"]["avatar"] == avatar
        icon = ok(owner.patch(f"/guilds/{g['id']}", {"icon": data_uri(PNG_64)}))["icon"]
        assert gw.expect("GUILD_UPDATE", match=lambda d: d["id"] == g["id"])["d"]["icon"] == icon
        role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "r"}))
        icon = ok(owner.patch(f"/guilds/{g['id']}/roles/{role['id']}", {"icon": data_uri(PNG_64)}))["icon"]
        upd = gw.expect("GUILD_ROLE_UPDATE", match=lambda d: d["role"]["id"] == role["id"])["d"]
        assert upd["role"]["icon"] == icon
    finally:
        gw.close()


def test_a_member_sets_its_own_guild_avatar(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    member = ok(owner.patch(f"/guilds/{g['id']}/members/@me", {"avatar": data_uri(PNG_64)}))
    assert HASH.match(member["avatar"])
    assert stored(server, f"avatars/{owner.id}/{member['avatar']}")[1] == "image/png"
    assert ok(owner.get(f"/guilds/{g['id']}/members/{owner.id}"))["avatar"] == member["avatar"]
    assert ok(owner.get(f"/users/@me"))["avatar"] is None, "the account's avatar is another"
    assert ok(owner.patch(f"/guilds/{g['id']}/members/@me", {"avatar": None}))["avatar"] is None
    r = owner.patch(f"/guilds/{g['id']}/members/{owner.id}", {"avatar": data_uri(PNG_64)})
    assert r.status_code == 200 or field_error(r, "avatar")
