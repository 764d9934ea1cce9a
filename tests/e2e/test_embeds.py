"""Rich embeds on messages, as Discord takes them: every field round-trips through create, fetch, history and the
gateway; every limit answers 400 / 50035 with Discord's error path; SUPPRESS_EMBEDS hides them (and MANAGE_MESSAGES
may set it on others' messages); an edit with embeds replaces them."""
import json

import pytest
import requests

from gateway_helpers import Gateway
from guild_helpers import general, invite_code, make_guild, member_with, new_client, ok

SUPPRESS_EMBEDS = 1 << 2
MANAGE_MESSAGES = 1 << 13
SEND = 1 << 11

FULL = {
    "title": "Title é", "description": "Some *markdown*", "url": "https://example.com/page",
    "timestamp": "2026-01-02T03:04:05.000Z", "color": 0x3366FF,
    "footer": {"text": "foot", "icon_url": "https://example.com/f.png"},
    "image": {"url": "https://example.com/i.png"},
    "thumbnail": {"url": "http://example.com/t.png"},
    "video": {"url": "https://example.com/v.mp4"},
    "provider": {"name": "Example", "url": "https://example.com"},
    "author": {"name": "Ann", "url": "https://example.com/ann", "icon_url": "https://example.com/a.png"},
    "fields": [{"name": "a", "value": "1", "inline": True}, {"name": "b", "value": "2"}],
}


@pytest.fixture
def room(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    return owner, g, ch


def post(client, ch, body):
    return client.post(f"/channels/{ch['id']}/messages", body)


def errors_at(r, path):
    """The error codes at a dotted path of a 50035 answer."""
    assert r.status_code == 400 and r.json()["code"] == 50035, r.text
    node = r.json()["errors"]
    for p in path.split("."):
        assert p in node, f"{path}: {r.text}"
        node = node[p]
    return [e["code"] for e in node["_errors"]]


def check_full(e):
    assert e["type"] == "rich"
    for key in ("title", "description", "url", "timestamp", "color", "provider"):
        assert e[key] == FULL[key], key
    assert e["footer"]["text"] == "foot" and e["footer"]["icon_url"] == FULL["footer"]["icon_url"]
    assert e["footer"]["proxy_icon_url"]
    assert e["author"]["name"] == "Ann" and e["author"]["url"] == FULL["author"]["url"]
    assert e["author"]["icon_url"] == FULL["author"]["icon_url"] and e["author"]["proxy_icon_url"]
    for media in ("image", "thumbnail", "video"):
        assert e[media]["url"] == FULL[media]["url"] and e[media]["proxy_url"], media
    assert e["fields"] == [{"name": "a", "value": "1", "inline": True}, {"name": "b", "value": "2", "inline": False}]


def test_every_field_round_trips(room):
    owner, g, ch = room
    m = ok(post(owner, ch, {"content": "look", "embeds": [FULL, {"title": "second"}]}))
    assert len(m["embeds"]) == 2
    check_full(m["embeds"][0])
    assert m["embeds"][1] == {"type": "rich", "title": "second"}
    assert ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}"))["embeds"] == m["embeds"]
    assert ok(owner.get(f"/channels/{ch['id']}/messages?limit=1"))[0]["embeds"] == m["embeds"]


def test_unknown_keys_are_ignored_and_type_defaults_to_rich(room):
    owner, g, ch = room
    m = ok(post(owner, ch, {"content": "x", "embeds": [{"title": "t", "bogus": {"deep": 1}, "type": None}]}))
    assert m["embeds"] == [{"type": "rich", "title": "t"}]


def test_a_message_may_be_embeds_alone(room):
    owner, g, ch = room
    m = ok(post(owner, ch, {"embeds": [{"description": "only this"}]}))
    assert m["content"] == "" and m["embeds"][0]["description"] == "only this"
    for empty in ([], [{}], [{"color": 5, "type": "rich"}]):
        r = post(owner, ch, {"embeds": empty})
        assert "BASE_TYPE_REQUIRED" in errors_at(r, "content"), empty


def test_the_legacy_embed_field(room):
    owner, g, ch = room
    m = ok(post(owner, ch, {"content": "x", "embed": {"title": "old style"}}))
    assert [e["title"] for e in m["embeds"]] == ["old style"]
    assert "BASE_TYPE_MAX_LENGTH" in errors_at(post(owner, ch, {"content": "x", "embed": {"title": "t" * 257}}),
                                               "embed.title")


def long_field(n):
    return [{"name": "n", "value": "v"}] * 3 + [{"name": "n", "value": "v" * n}]


@pytest.mark.parametrize("embed,path,code", [
    ({"title": "t" * 257}, "embeds.0.title", "BASE_TYPE_MAX_LENGTH"),
    ({"description": "d" * 4097}, "embeds.0.description", "BASE_TYPE_MAX_LENGTH"),
    ({"footer": {"text": "f" * 2049}}, "embeds.0.footer.text", "BASE_TYPE_MAX_LENGTH"),
    ({"footer": {"icon_url": "https://example.com/x"}}, "embeds.0.footer.text", "BASE_TYPE_REQUIRED"),
    ({"author": {"name": "a" * 257}}, "embeds.0.author.name", "BASE_TYPE_MAX_LENGTH"),
    ({"author": {"url": "https://example.com"}}, "embeds.0.author.name", "BASE_TYPE_REQUIRED"),
    ({"fields": long_field(1025)}, "embeds.0.fields.3.value", "BASE_TYPE_MAX_LENGTH"),
    ({"fields": [{"name": "n" * 257, "value": "v"}]}, "embeds.0.fields.0.name", "BASE_TYPE_MAX_LENGTH"),
    ({"fields": [{"name": "n"}]}, "embeds.0.fields.0.value", "BASE_TYPE_REQUIRED"),
    ({"fields": [{"name": "n", "value": "v", "inline": "maybe"}]}, "embeds.0.fields.0.inline", "BASE_TYPE_BOOLEAN"),
    ({"fields": [{"name": "n", "value": "v"}] * 26}, "embeds.0.fields", "BASE_TYPE_MAX_LENGTH"),
    ({"fields": "no"}, "embeds.0.fields", "LIST_TYPE_CONVERT"),
    ({"color": 0x1000000}, "embeds.0.color", "NUMBER_TYPE_MAX"),
    ({"color": -1}, "embeds.0.color", "NUMBER_TYPE_MIN"),
    ({"color": "blue"}, "embeds.0.color", "NUMBER_TYPE_COERCE"),
    ({"timestamp": "last tuesday"}, "embeds.0.timestamp", "DATE_TYPE_PARSE"),
    ({"url": "ftp://example.com"}, "embeds.0.url", "URL_TYPE_INVALID_SCHEME"),
    ({"url": "attachment://a.png"}, "embeds.0.url", "URL_TYPE_INVALID_SCHEME"),
    ({"image": {"url": "not a url"}}, "embeds.0.image.url", "URL_TYPE_INVALID_URL"),
    ({"thumbnail": {"url": "https://example.com/" + "x" * 2048}}, "embeds.0.thumbnail.url", "BASE_TYPE_MAX_LENGTH"),
    ({"image": {}}, "embeds.0.image.url", "BASE_TYPE_REQUIRED"),
    ({"image": "https://example.com/i.png"}, "embeds.0.image", "DICT_TYPE_CONVERT"),
    ({"title": 5}, "embeds.0.title", "BASE_TYPE_STRING"),
])
def test_every_limit_answers_its_error_path(room, embed, path, code):
    owner, g, ch = room
    r = post(owner, ch, {"content": "x", "embeds": [embed]})
    assert code in errors_at(r, path)
    assert ok(owner.get(f"/channels/{ch['id']}/messages?limit=5")) == [], "nothing was sent"


def test_the_error_path_names_the_embed(room):
    owner, g, ch = room
    r = post(owner, ch, {"content": "x", "embeds": [{"title": "fine"}, {"title": "fine"}, "not an embed",
                                                    {"color": "x"}]})
    assert "DICT_TYPE_CONVERT" in errors_at(r, "embeds.2")
    assert "NUMBER_TYPE_COERCE" in errors_at(r, "embeds.3.color")
    assert "LIST_TYPE_CONVERT" in errors_at(post(owner, ch, {"content": "x", "embeds": {"title": "t"}}), "embeds")


def test_at_most_ten_embeds(room):
    owner, g, ch = room
    r = post(owner, ch, {"content": "x", "embeds": [{"title": str(i)} for i in range(11)]})
    assert "BASE_TYPE_MAX_LENGTH" in errors_at(r, "embeds")
    m = ok(post(owner, ch, {"content": "x", "embeds": [{"title": str(i)} for i in range(10)]}))
    assert [e["title"] for e in m["embeds"]] == [str(i) for i in range(10)]


def test_six_thousand_characters_over_all_embeds(room):
    owner, g, ch = room
    # 4096 + 1024 + 256 + 256 + 2048 ... spread over embeds: each within its own limit, 6001 in all.
    embeds = [{"description": "d" * 4096}, {"fields": [{"name": "n" * 256, "value": "v" * 1024}]},
              {"author": {"name": "a" * 256}, "footer": {"text": "f" * 368}, "title": "t"}]
    r = post(owner, ch, {"content": "x", "embeds": embeds})
    assert "MAX_EMBED_SIZE_EXCEEDED" in errors_at(r, "embeds")
    embeds[2]["title"] = None  # 6000 exactly
    m = ok(post(owner, ch, {"content": "x", "embeds": embeds}))
    assert len(m["embeds"]) == 3
    # Content does not count towards it.
    ok(post(owner, ch, {"content": "c" * 2000, "embeds": embeds}))


def test_suppress_embeds_hides_them_and_keeps_them(room):
    owner, g, ch = room
    m = ok(post(owner, ch, {"content": "x", "embeds": [{"title": "hidden"}], "flags": SUPPRESS_EMBEDS}))
    assert m["flags"] & SUPPRESS_EMBEDS and m["embeds"] == []
    assert ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}"))["embeds"] == []
    shown = ok(owner.patch(f"/channels/{ch['id']}/messages/{m['id']}", {"flags": 0}))
    assert shown["flags"] == 0 and [e["title"] for e in shown["embeds"]] == ["hidden"]
    assert shown["edited_timestamp"] is None, "a flag is no edit"
    again = ok(owner.patch(f"/channels/{ch['id']}/messages/{m['id']}", {"flags": SUPPRESS_EMBEDS}))
    assert again["embeds"] == [] and again["content"] == "x"


def test_manage_messages_may_suppress_others_embeds_but_not_edit_them(server, room):
    owner, g, ch = room
    code = invite_code(owner, ch["id"])
    mod = member_with(server, owner, g["id"], code, MANAGE_MESSAGES | SEND, "mod")
    plain = member_with(server, owner, g["id"], code, SEND, "plain")
    m = ok(post(owner, ch, {"content": "mine", "embeds": [{"title": "t"}]}))
    path = f"/channels/{ch['id']}/messages/{m['id']}"
    r = plain.patch(path, {"flags": SUPPRESS_EMBEDS})
    assert r.status_code == 403 and r.json()["code"] == 50013, r.text
    for body in ({"content": "theirs"}, {"embeds": []}, {"flags": SUPPRESS_EMBEDS, "content": "theirs"}):
        r = mod.patch(path, body)
        assert r.status_code == 403 and r.json()["code"] == 50005, (body, r.text)
    gw = Gateway(server)
    try:
        gw.identify(owner.token)
        s = ok(mod.patch(path, {"flags": SUPPRESS_EMBEDS}))
        assert s["embeds"] == [] and s["content"] == "mine" and s["author"]["id"] == owner.id
        d = gw.expect("MESSAGE_UPDATE", match=lambda d: d["id"] == m["id"])["d"]
        assert d["author"]["id"] == owner.id and d.get("member", {}).get("user", {}).get("id") in (None, owner.id)
        assert "member" not in d or d["member"]["roles"] == [], "never the moderator's member"
    finally:
        gw.close()
    assert ok(owner.get(path))["flags"] & SUPPRESS_EMBEDS


def test_an_edit_with_embeds_replaces_them(room):
    owner, g, ch = room
    m = ok(post(owner, ch, {"content": "x", "embeds": [{"title": "a"}, {"title": "b"}]}))
    path = f"/channels/{ch['id']}/messages/{m['id']}"
    e = ok(owner.patch(path, {"embeds": [{"title": "c"}]}))
    assert [x["title"] for x in e["embeds"]] == ["c"] and e["content"] == "x" and e["edited_timestamp"]
    e = ok(owner.patch(path, {"content": "y"}))
    assert [x["title"] for x in e["embeds"]] == ["c"], "an edit without embeds keeps them"
    e = ok(owner.patch(path, {"content": None}))
    assert e["content"] == "" and e["embeds"], "the embeds are left"
    r = owner.patch(path, {"embeds": []})
    assert "BASE_TYPE_REQUIRED" in errors_at(r, "content"), "nothing would be left"
    e = ok(owner.patch(path, {"content": "z", "embeds": None}))
    assert e["embeds"] == [] and e["content"] == "z"
    r = owner.patch(path, {"embeds": [{"title": "t" * 257}]})
    assert "BASE_TYPE_MAX_LENGTH" in errors_at(r, "embeds.0.title")
    assert ok(owner.get(path))["content"] == "z"


def test_gateway_events_carry_embeds(server, room):
    owner, g, ch = room
    gw = Gateway(server)
    try:
        gw.identify(owner.token)
        m = ok(post(owner, ch, {"content": "x", "embeds": [FULL]}))
        created = gw.expect("MESSAGE_CREATE", match=lambda d: d["id"] == m["id"])["d"]
        check_full(created["embeds"][0])
        ok(owner.patch(f"/channels/{ch['id']}/messages/{m['id']}", {"embeds": [{"title": "new"}]}))
        updated = gw.expect("MESSAGE_UPDATE", match=lambda d: d["id"] == m["id"])["d"]
        assert [e["title"] for e in updated["embeds"]] == ["new"]
        ok(owner.patch(f"/channels/{ch['id']}/messages/{m['id']}", {"flags": SUPPRESS_EMBEDS}))
        hidden = gw.expect("MESSAGE_UPDATE", match=lambda d: d["id"] == m["id"])["d"]
        assert hidden["embeds"] == [] and hidden["flags"] & SUPPRESS_EMBEDS
    finally:
        gw.close()


def test_without_message_content_others_embeds_are_hidden(server, room):
    owner, g, ch = room
    code = invite_code(owner, ch["id"])
    other = member_with(server, owner, g["id"], code, SEND, "other")
    gw = Gateway(server)
    try:
        gw.identify(other.token, intents=(1 << 9))  # GUILD_MESSAGES, no MESSAGE_CONTENT
        m = ok(post(owner, ch, {"content": "x", "embeds": [{"title": "secret"}]}))
        d = gw.expect("MESSAGE_CREATE", match=lambda d: d["id"] == m["id"])["d"]
        assert d["embeds"] == [] and d["content"] == ""
    finally:
        gw.close()


def test_embeds_in_a_multipart_payload_json(room):
    owner, g, ch = room
    payload = json.dumps({"content": "form", "embeds": [{"title": "in a form", "color": 7}]})
    r = requests.post(owner.server.url(f"/api/v10/channels/{ch['id']}/messages"), timeout=30,
                      headers={"Authorization": owner.token}, files={"payload_json": (None, payload, "application/json")})
    m = ok(r)
    assert [(e["title"], e["color"]) for e in m["embeds"]] == [("in a form", 7)]
