"""Requests as Discord accepts them: snowflakes and permission bitfields as strings or integers in every body
field and query parameter, unknown fields ignored, null where Discord takes it to clear or default a value, form
and multipart (payload_json) bodies where Discord takes them, the X-Audit-Log-Reason header, and documented fields
the server does not act on refused by name instead of answered 200 and dropped."""
import time
import urllib.parse

import pytest
import requests

from guild_helpers import general, invite_code, join, make_guild, new_client, ok

ADMINISTRATOR = 1 << 3


@pytest.fixture
def room(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    return owner, g, ch


def form_error(r, *path):
    """The first error code at path in a 50035 answer."""
    assert r.status_code == 400 and r.json()["code"] == 50035, r.text
    node = r.json()["errors"]
    for p in path:
        node = node[p]
    return node["_errors"][0]["code"]


def raw(client, method, path, data, content_type, headers=None):
    h = {"Authorization": client.token, "Content-Type": content_type, **(headers or {})}
    return requests.request(method, client.server.url("/api/v10" + path), data=data, headers=h, timeout=60)


# ---- snowflakes as integers ----

def test_dm_recipient_as_integer(server):
    a, b = new_client(server, "a"), new_client(server, "b")
    dm = ok(a.post("/users/@me/channels", {"recipient_id": int(b.id)}))
    assert [u["id"] for u in dm["recipients"]] == [b.id]
    assert ok(a.post("/users/@me/channels", {"recipients": [int(b.id)]}))["id"] == dm["id"]
    assert form_error(a.post("/users/@me/channels", {"recipient_id": "12x"}), "recipient_id") == "NUMBER_TYPE_COERCE"
    assert form_error(a.post("/users/@me/channels", {"recipient_id": -5}), "recipient_id") == "NUMBER_TYPE_COERCE"
    assert form_error(a.post("/users/@me/channels", {"recipients": [b.id, "no"]}), "recipients", "1") == \
        "NUMBER_TYPE_COERCE"


def test_member_roles_as_integers_and_null_clears(server, room):
    owner, g, ch = room
    friend = new_client(server, "friend")
    join(friend, invite_code(owner, ch["id"]))
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "r"}))
    m = ok(owner.patch(f"/guilds/{g['id']}/members/{friend.id}", {"roles": [int(role["id"])]}))
    assert m["roles"] == [role["id"]]
    m = ok(owner.patch(f"/guilds/{g['id']}/members/{friend.id}", {"roles": None, "nick": None}))
    assert m["roles"] == [] and m["nick"] is None
    r = owner.patch(f"/guilds/{g['id']}/members/{friend.id}", {"roles": [role["id"], 1.5]})
    assert form_error(r, "roles", "1") == "NUMBER_TYPE_COERCE"


def test_overwrites_parent_and_positions_with_integer_ids(room):
    owner, g, ch = room
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "r", "permissions": 1024}))
    assert role["permissions"] == "1024"
    cat = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "cat", "type": 4}))
    c = ok(owner.post(f"/guilds/{g['id']}/channels", {
        "name": "c", "parent_id": int(cat["id"]),
        "permission_overwrites": [{"id": int(role["id"]), "type": 0, "allow": 1024, "deny": "2048"}]}))
    assert c["parent_id"] == cat["id"]
    assert c["permission_overwrites"] == [{"id": role["id"], "type": 0, "allow": "1024", "deny": "2048"}]
    ok(owner.put(f"/channels/{c['id']}/permissions/{role['id']}", {"type": 0, "allow": 64, "deny": None}))
    ow = ok(owner.get(f"/channels/{c['id']}"))["permission_overwrites"]
    assert ow == [{"id": role["id"], "type": 0, "allow": "64", "deny": "0"}]
    ok(owner.patch(f"/guilds/{g['id']}/channels", [{"id": int(c["id"]), "position": 3, "parent_id": None}]))
    moved = ok(owner.get(f"/channels/{c['id']}"))
    assert moved["position"] == 3 and moved["parent_id"] is None
    ok(owner.patch(f"/guilds/{g['id']}/roles", [{"id": int(role["id"]), "position": 1}]))


def test_role_colors_object_sets_the_color(room):
    owner, g, _ = room
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "c", "colors": {"primary_color": 0x123456,
                                                                              "secondary_color": None}}))
    assert role["color"] == 0x123456
    path = f"/guilds/{g['id']}/roles/{role['id']}"
    assert ok(owner.patch(path, {"colors": {"primary_color": 255, "tertiary_color": None}}))["color"] == 255
    r = owner.patch(path, {"colors": {"primary_color": 1, "secondary_color": 2}})
    assert form_error(r, "colors", "secondary_color") == "UNSUPPORTED_FIELD"
    assert form_error(owner.patch(path, {"colors": {"primary_color": "red"}}), "colors", "primary_color") == \
        "NUMBER_TYPE_COERCE"
    assert [x["color"] for x in ok(owner.get(f"/guilds/{g['id']}/roles")) if x["id"] == role["id"]] == [255]


def test_permission_bitfields_bounded(room):
    owner, g, _ = room
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "r"}))
    path = f"/guilds/{g['id']}/roles/{role['id']}"
    assert ok(owner.patch(path, {"permissions": str(ADMINISTRATOR)}))["permissions"] == "8"
    assert ok(owner.patch(path, {"permissions": ADMINISTRATOR | 1 << 28}))["permissions"] == str(8 | 1 << 28)
    assert form_error(owner.patch(path, {"permissions": str(2 ** 53)}), "permissions") == "NUMBER_TYPE_MAX"
    assert form_error(owner.patch(path, {"permissions": "8.0"}), "permissions") == "NUMBER_TYPE_COERCE"
    assert form_error(owner.patch(path, {"permissions": -1}), "permissions") == "NUMBER_TYPE_COERCE"


def test_message_ids_as_integers(server, room):
    owner, g, ch = room
    friend = new_client(server, "friend")
    join(friend, invite_code(owner, ch["id"]))
    first = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "one"}))
    reply = ok(owner.post(f"/channels/{ch['id']}/messages", {
        "content": f"<@{friend.id}> re", "message_reference": {"message_id": int(first["id"]), "guild_id": int(g["id"])},
        "allowed_mentions": {"users": [int(friend.id)], "replied_user": False}}))
    assert reply["message_reference"]["message_id"] == first["id"]
    assert [u["id"] for u in reply["mentions"]] == [friend.id]
    ids = [int(first["id"]), int(reply["id"])]
    assert owner.post(f"/channels/{ch['id']}/messages/bulk-delete", {"messages": ids}).status_code == 204
    assert ok(owner.get(f"/channels/{ch['id']}/messages")) == []
    r = owner.post(f"/channels/{ch['id']}/messages/bulk-delete", {"messages": [first["id"], "x"]})
    assert form_error(r, "messages", "1") == "NUMBER_TYPE_COERCE"


@pytest.mark.parametrize("path,query", [
    ("/users/@me/guilds", "before=abc"), ("/users/@me/guilds", "after=1e5"), ("/users/@me/guilds", "limit=%205"),
    ("/users/@me/guilds", "limit=abc"), ("/guilds/{g}/members", "after=-1"), ("/guilds/{g}/members", "limit=5x"),
    ("/channels/{c}/messages", "around=99999999999999999999999"), ("/channels/{c}/messages", "limit=+5"),
])
def test_query_parameters_digits_only(room, path, query):
    owner, g, ch = room
    r = owner.get(path.format(g=g["id"], c=ch["id"]) + "?" + query)
    assert r.status_code == 400 and r.json()["code"] == 50035, r.text
    assert query.split("=")[0] in r.json()["errors"]


def test_query_ids_accepted(room):
    owner, g, ch = room
    assert [x["id"] for x in ok(owner.get(f"/users/@me/guilds?after=0&limit=10"))] == [g["id"]]
    assert ok(owner.get(f"/users/@me/guilds?before={g['id']}")) == []
    assert len(ok(owner.get(f"/guilds/{g['id']}/members?after=0&limit=10"))) == 1


# ---- unknown fields and nulls ----

def test_unknown_fields_are_ignored(room):
    owner, g, ch = room
    c = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "x", "no_such_field": {"a": [1]}}))
    assert ok(owner.patch(f"/channels/{c['id']}", {"topic": "t", "whatever": 1}))["topic"] == "t"
    assert ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "hi", "zzz": None}))["content"] == "hi"
    assert ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "r", "unknown": True}))["name"] == "r"


def test_nulls_clear_or_default(room):
    owner, g, ch = room
    cat = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "cat", "type": 4}))
    c = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "c", "topic": "t", "parent_id": cat["id"], "nsfw": True}))
    c = ok(owner.patch(f"/channels/{c['id']}", {"topic": None, "parent_id": None, "nsfw": None, "position": None,
                                                "permission_overwrites": None}))
    assert c["topic"] is None and c["parent_id"] is None and c["nsfw"] is False
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "r", "color": 5, "hoist": True}))
    role = ok(owner.patch(f"/guilds/{g['id']}/roles/{role['id']}", {"color": None, "hoist": None, "name": None,
                                                                     "icon": None, "unicode_emoji": None}))
    assert role["color"] == 0 and role["hoist"] is False and role["name"] == "r"
    inv = ok(owner.post(f"/channels/{ch['id']}/invites", {"max_age": None, "max_uses": None, "temporary": None}))
    assert inv["max_age"] == 86400 and inv["max_uses"] == 0 and inv["temporary"] is False
    assert ok(owner.patch(f"/guilds/{g['id']}", {"icon": None, "description": None}))["icon"] is None
    m = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "x"}))
    r = owner.patch(f"/channels/{ch['id']}/messages/{m['id']}", {"content": None})
    assert form_error(r, "content") == "BASE_TYPE_REQUIRED"


# ---- bodies ----

def test_form_encoded_bodies(room):
    owner, g, _ = room
    body = urllib.parse.urlencode({"name": "Mods é", "permissions": "8", "hoist": "true", "color": "255"})
    role = ok(raw(owner, "POST", f"/guilds/{g['id']}/roles", body, "application/x-www-form-urlencoded"))
    assert (role["name"], role["permissions"], role["hoist"], role["color"]) == ("Mods é", "8", True, 255)
    c = ok(raw(owner, "POST", f"/guilds/{g['id']}/channels", "name=form+chan&type=0",
               "application/x-www-form-urlencoded; charset=UTF-8"))
    assert c["name"] == "form chan" and c["type"] == 0
    for bad in ("name=%ZZ", "name=a&name=b", "&".join(f"f{i}=1" for i in range(65))):
        r = raw(owner, "POST", f"/guilds/{g['id']}/roles", bad, "application/x-www-form-urlencoded")
        assert r.status_code == 400 and r.json()["errors"]["_errors"][0]["code"] == "FORM_BODY_INVALID", bad


def test_json_with_charset(room):
    owner, g, _ = room
    r = raw(owner, "POST", f"/guilds/{g['id']}/roles", '{"name": "cs"}', "application/json; charset=utf-8")
    assert ok(r)["name"] == "cs"


def multipart(parts, boundary="XyZ"):
    out = b""
    for name, value, extra in parts:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{extra}\r\n\r\n").encode() + value + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_multipart_payload_json_message(room):
    owner, _, ch = room
    body, ctype = multipart([("payload_json", '{"content": "from multipart é"}'.encode(), "")])
    m = ok(raw(owner, "POST", f"/channels/{ch['id']}/messages", body, ctype))
    assert m["content"] == "from multipart é"
    body, ctype = multipart([("payload_json", b'{"content": "edited"}', "")], boundary="----b0und")
    assert ok(raw(owner, "PATCH", f"/channels/{ch['id']}/messages/{m['id']}", body, ctype))["content"] == "edited"
    body, ctype = multipart([("content", b"a text part", "")])
    assert ok(raw(owner, "POST", f"/channels/{ch['id']}/messages", body, ctype))["content"] == "a text part"


def test_multipart_with_a_file_is_taken_and_broken_bodies_are_refused_clearly(room):
    owner, _, ch = room
    body, ctype = multipart([("payload_json", b'{"content": "x"}', ""),
                             ("files[0]", b"\x00\x01binary", '; filename="a.png"\r\nContent-Type: image/png')])
    r = raw(owner, "POST", f"/channels/{ch['id']}/messages", body, ctype)
    assert r.status_code == 200, r.text
    (att,) = r.json()["attachments"]
    assert att["filename"] == "a.png" and att["size"] == 8
    assert att["content_type"] == "application/octet-stream"  # sniffed from the bytes, not the claim
    for bad in (b"--XyZ\r\nno end", b"garbage"):
        r = raw(owner, "POST", f"/channels/{ch['id']}/messages", bad, "multipart/form-data; boundary=XyZ")
        assert r.status_code == 400, bad
    r = raw(owner, "POST", f"/channels/{ch['id']}/messages", multipart([])[0], "multipart/form-data")
    assert r.status_code == 400  # no boundary
    assert [m["content"] for m in ok(owner.get(f"/channels/{ch['id']}/messages"))] == ["x"]


@pytest.mark.parametrize("ctype", ["text/plain", "application/xml", "application/x-www-form-urlencoded"])
def test_a_content_type_the_route_does_not_take(room, ctype):
    owner, _, ch = room
    r = raw(owner, "POST", f"/channels/{ch['id']}/messages", '{"content": "x"}', ctype)
    assert r.status_code == 400 and r.json()["code"] == 50035
    assert r.json()["errors"]["_errors"][0]["code"] == "CONTENT_TYPE_INVALID"
    body, mp = multipart([("payload_json", b'{"name": "x"}', "")])
    r = raw(owner, "POST", f"/guilds/{ch['guild_id']}/roles", body, mp)  # roles take JSON or a form only
    assert r.json()["errors"]["_errors"][0]["code"] == "CONTENT_TYPE_INVALID"


# ---- bans that delete the banned user's recent messages ----

def messages_of(client, channel_id):
    return [m["content"] for m in ok(client.get(f"/channels/{channel_id}/messages"))]


@pytest.mark.parametrize("body", [{"delete_message_seconds": 3600}, {"delete_message_days": 1},
                                  {"delete_message_seconds": "86400"}])
def test_ban_deletes_the_users_recent_messages(server, room, body):
    owner, g, ch = room
    other = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "other"}))
    friend = new_client(server, "friend")
    join(friend, invite_code(owner, ch["id"]))
    for c, text in ((ch, "f1"), (ch, "f2"), (other, "f3")):
        ok(friend.post(f"/channels/{c['id']}/messages", {"content": text}))
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "mine"}))
    assert owner.put(f"/guilds/{g['id']}/bans/{friend.id}", body).status_code == 204
    deadline = time.time() + 10
    while time.time() < deadline and (messages_of(owner, ch["id"]) != ["mine"] or messages_of(owner, other["id"])):
        time.sleep(0.1)
    assert messages_of(owner, ch["id"]) == ["mine"] and messages_of(owner, other["id"]) == []


def test_ban_without_deletion_keeps_messages(server, room):
    owner, g, ch = room
    friend = new_client(server, "friend")
    join(friend, invite_code(owner, ch["id"]))
    ok(friend.post(f"/channels/{ch['id']}/messages", {"content": "stays"}))
    r = owner.put(f"/guilds/{g['id']}/bans/{friend.id}", {"delete_message_seconds": 604801})
    assert form_error(r, "delete_message_seconds") == "NUMBER_TYPE_MAX"
    assert owner.put(f"/guilds/{g['id']}/bans/{friend.id}", {"delete_message_seconds": 0}).status_code == 204
    time.sleep(0.5)
    assert messages_of(owner, ch["id"]) == ["stays"]


# ---- X-Audit-Log-Reason ----

def with_reason(client, method, path, body, reason):
    h = {"Authorization": client.token, "X-Audit-Log-Reason": reason}
    return requests.request(method, client.server.url("/api/v10" + path), json=body, headers=h, timeout=60)


def test_audit_log_reason_is_the_bans_reason(server, room):
    owner, g, _ = room
    target, other = new_client(server, "target"), new_client(server, "other")
    reason = "spam & links, é 100%"
    r = with_reason(owner, "PUT", f"/guilds/{g['id']}/bans/{target.id}", {}, urllib.parse.quote(reason, safe=""))
    assert r.status_code == 204, r.text
    assert ok(owner.get(f"/guilds/{g['id']}/bans/{target.id}"))["reason"] == reason
    r = with_reason(owner, "PUT", f"/guilds/{g['id']}/bans/{other.id}", {"reason": "body wins"}, "header")
    assert r.status_code == 204
    assert ok(owner.get(f"/guilds/{g['id']}/bans/{other.id}"))["reason"] == "body wins"


def test_audit_log_reason_checked_on_every_route(room):
    owner, g, ch = room
    fine = urllib.parse.quote("é" * 512)
    assert with_reason(owner, "PATCH", f"/channels/{ch['id']}", {"topic": "a"}, fine).status_code == 200
    for bad, code in ((urllib.parse.quote("é" * 513), "BASE_TYPE_MAX_LENGTH"), ("bad%zz", "BASE_TYPE_STRING"),
                      ("%ff%fe", "BASE_TYPE_STRING"), ("nul%00", "BASE_TYPE_STRING")):
        r = with_reason(owner, "PATCH", f"/channels/{ch['id']}", {"topic": "b"}, bad)
        assert form_error(r, "audit_log_reason") == code, bad
        r = with_reason(owner, "DELETE", f"/guilds/{g['id']}/roles/1", None, bad)
        assert r.status_code == 400
    assert ok(owner.get(f"/channels/{ch['id']}"))["topic"] == "a"


# ---- fields the server does not act on ----

@pytest.mark.parametrize("where,body,field", [
    ("guild", {"description": "about"}, "description"),
    ("guild", {"afk_timeout": 60}, "afk_timeout"),
    ("guild", {"system_channel_id": "1"}, "system_channel_id"),
    ("channel", {"bitrate": 64000}, "bitrate"),
    ("channel", {"flags": 2}, "flags"),
    ("role", {"unicode_emoji": "🙂"}, "unicode_emoji"),
    ("member", {"mute": True}, "mute"),
    ("invite", {"target_type": 1}, "target_type"),
    ("message", {"content": "x", "sticker_ids": ["1"]}, "sticker_ids"),
    ("me", {"accent_color": 5}, "accent_color"),
])
def test_a_field_the_server_does_not_act_on_is_refused_by_name(server, room, where, body, field):
    owner, g, ch = room
    friend = new_client(server, "friend")
    paths = {"ban": ("PUT", f"/guilds/{g['id']}/bans/{friend.id}"), "guild": ("PATCH", f"/guilds/{g['id']}"),
             "channel": ("PATCH", f"/channels/{ch['id']}"), "role": ("POST", f"/guilds/{g['id']}/roles"),
             "member": ("PATCH", f"/guilds/{g['id']}/members/{owner.id}"),
             "invite": ("POST", f"/channels/{ch['id']}/invites"), "message": ("POST", f"/channels/{ch['id']}/messages"),
             "me": ("PATCH", "/users/@me")}
    method, path = paths[where]
    r = owner.call(method, path, body)
    assert form_error(r, field) == "UNSUPPORTED_FIELD"
    assert owner.get(f"/guilds/{g['id']}/bans/{friend.id}").status_code == 404


def test_defaults_of_those_fields_are_accepted(server, room):
    owner, g, ch = room
    friend = new_client(server, "friend")
    assert owner.put(f"/guilds/{g['id']}/bans/{friend.id}", {"delete_message_seconds": None}).status_code == 204
    ok(owner.patch(f"/guilds/{g['id']}", {"afk_timeout": 300, "preferred_locale": "en-US", "features": []}))
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "x", "embeds": [], "components": [], "tts": False,
                                                     "sticker_ids": [], "flags": 0, "attachments": []}))
    ok(owner.patch(f"/guilds/{g['id']}/members/{owner.id}", {"mute": False, "deaf": False, "channel_id": None}))
    ok(owner.patch("/users/@me", {"banner": None, "accent_color": None}))


# ---- everyday bot calls that sent a field the server had refused ----

def test_message_flags_a_sender_sets(room):
    owner, g, ch = room
    silent = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "shh", "flags": 4096}))
    assert silent["flags"] == 4096  # discord.py's send(silent=True)
    r = owner.post(f"/channels/{ch['id']}/messages", {"content": "x", "flags": 2})  # CROSSPOSTED is not a sender's
    assert form_error(r, "flags") == "MESSAGE_FLAGS_INVALID"
    # An edit: discord.py's edit(suppress=True) sends 4; discord.js sends the message's flags back with it.
    edited = ok(owner.patch(f"/channels/{ch['id']}/messages/{silent['id']}", {"flags": 4 | 4096}))
    assert edited["flags"] == 4 | 4096 and edited["content"] == "shh"
    edited = ok(owner.patch(f"/channels/{ch['id']}/messages/{silent['id']}", {"flags": 0}))
    assert edited["flags"] == 4096  # only SUPPRESS_EMBEDS changes on an edit
    assert ok(owner.get(f"/channels/{ch['id']}/messages/{silent['id']}"))["flags"] == 4096


def test_default_auto_archive_duration_is_kept(room):
    owner, g, ch = room
    c = ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "clone", "default_auto_archive_duration": 1440}))
    assert c["default_auto_archive_duration"] == 1440  # discord.py's channel.clone() sends it
    c = ok(owner.patch(f"/channels/{c['id']}", {"default_auto_archive_duration": 4320}))
    assert ok(owner.get(f"/channels/{c['id']}"))["default_auto_archive_duration"] == 4320
    r = owner.patch(f"/channels/{c['id']}", {"default_auto_archive_duration": 100})
    assert form_error(r, "default_auto_archive_duration") == "BASE_TYPE_CHOICES"


def test_the_owner_grants_every_documented_permission(room):
    owner, g, ch = room
    everything = ((1 << 53) - 1) & ~(1 << 47)  # discord.py's Permissions.all()
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "all", "permissions": str(everything)}))
    assert role["permissions"] == str(everything)


def test_role_positions_as_discord_js_sends_them(server, room):
    owner, g, ch = room
    a = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "a"}))
    b = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "b"}))
    listed = {r["id"]: r["position"] for r in ok(owner.get(f"/guilds/{g['id']}/roles"))}
    # role.setPosition sends every role, @everyone at 0 and the unmoved ones at their place
    body = [{"id": rid, "position": pos} for rid, pos in listed.items()]
    for e in body:
        if e["id"] == a["id"]:
            e["position"] = listed[b["id"]]
        elif e["id"] == b["id"]:
            e["position"] = listed[a["id"]]
    roles = {r["id"]: r["position"] for r in ok(owner.patch(f"/guilds/{g['id']}/roles", body))}
    assert roles[a["id"]] == listed[b["id"]] and roles[b["id"]] == listed[a["id"]] and roles[g["id"]] == 0
    # the whole list unchanged moves nothing and answers the roles
    same = [{"id": rid, "position": pos} for rid, pos in roles.items()]
    assert {r["id"]: r["position"] for r in ok(owner.patch(f"/guilds/{g['id']}/roles", same))} == roles
    r = owner.patch(f"/guilds/{g['id']}/roles", [{"id": g["id"], "position": 2}])
    assert r.status_code == 400
