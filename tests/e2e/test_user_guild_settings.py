"""User guild settings (Discord's PATCH /users/@me/guilds/{id}/settings): the route and its merge of changes, its
validation errors, READY's user_guild_settings and USER_GUILD_SETTINGS_UPDATE to one's own sessions only."""
import requests

from gateway_helpers import Gateway
from guild_helpers import general, invite_code, join, make_guild, new_client, ok


def settings(client, guild_id, body):
    return client.patch(f"/users/@me/guilds/{guild_id}/settings", body)


def field_error(r, *path):
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["code"] == 50035, body
    node = body["errors"]
    for key in path:
        assert key in node, body
        node = node[key]
    return node["_errors"][0]["code"]


def test_settings_merge_and_answer_the_whole_object(server):
    owner = new_client(server, "ugs")
    g = make_guild(owner)
    chan = general(owner, g["id"])
    s = ok(settings(owner, g["id"], {"message_notifications": 1, "suppress_everyone": True}))
    assert s["guild_id"] == g["id"]
    assert s["message_notifications"] == 1 and s["suppress_everyone"] is True and s["muted"] is False
    assert s["mute_config"] is None and s["mobile_push"] is True and s["channel_overrides"] == []
    first = s["version"]
    s = ok(settings(owner, g["id"], {
        "muted": True, "mute_config": {"end_time": "2030-01-01T00:00:00Z", "selected_time_window": 3600},
        "channel_overrides": {chan["id"]: {"muted": True, "message_notifications": 2}}}))
    assert s["version"] > first
    assert s["message_notifications"] == 1, "a field not sent keeps its value"
    assert s["muted"] is True and s["mute_config"]["selected_time_window"] == 3600
    assert s["mute_config"]["end_time"].startswith("2030-01-01T00:00:00")
    assert s["channel_overrides"] == [{"channel_id": chan["id"], "muted": True, "mute_config": None,
                                       "message_notifications": 2, "collapsed": False, "flags": 0}]
    s = ok(settings(owner, g["id"], {"muted": False, "mute_config": None,
                                     "channel_overrides": {chan["id"]: {"collapsed": True}}}))
    assert s["muted"] is False and s["mute_config"] is None
    ov = s["channel_overrides"][0]
    assert ov["muted"] is True and ov["message_notifications"] == 2 and ov["collapsed"] is True


def test_dm_settings_under_at_me(server):
    a, b = new_client(server, "ugsa"), new_client(server, "ugsb")
    dm = ok(a.post("/users/@me/channels", {"recipient_id": b.id}))
    s = ok(settings(a, "@me", {"channel_overrides": {dm["id"]: {"muted": True}}}))
    assert s["guild_id"] is None and s["channel_overrides"][0]["channel_id"] == dm["id"]
    other = make_guild(a)
    assert field_error(settings(a, "@me", {"channel_overrides": {general(a, other["id"])["id"]: {"muted": True}}}),
                       "channel_overrides", general(a, other["id"])["id"]) == "CHANNEL_NOT_IN_GUILD"


def test_validation_errors(server):
    owner = new_client(server, "ugsv")
    g = make_guild(owner)
    chan = general(owner, g["id"])
    assert field_error(settings(owner, g["id"], {"muted": "maybe"}), "muted") == "BASE_TYPE_BOOLEAN"
    assert field_error(settings(owner, g["id"], {"message_notifications": 7}),
                       "message_notifications") == "BASE_TYPE_CHOICES"
    assert field_error(settings(owner, g["id"], {"message_notifications": "x"}),
                       "message_notifications") == "NUMBER_TYPE_COERCE"
    assert field_error(settings(owner, g["id"], {"mute_config": 5}), "mute_config") == "DICT_TYPE_CONVERT"
    assert field_error(settings(owner, g["id"], {"mute_config": {"end_time": "soon"}}), "mute_config", "end_time")
    assert field_error(settings(owner, g["id"], {"channel_overrides": []}), "channel_overrides") == "DICT_TYPE_CONVERT"
    assert field_error(settings(owner, g["id"], {"channel_overrides": {"abc": {}}}),
                       "channel_overrides", "abc") == "NUMBER_TYPE_COERCE"
    assert field_error(settings(owner, g["id"], {"channel_overrides": {chan["id"]: {"muted": 3}}}),
                       "channel_overrides", chan["id"], "muted") == "BASE_TYPE_BOOLEAN"
    many = {str(10**17 + i): {"muted": True} for i in range(501)}
    assert field_error(settings(owner, g["id"], {"channel_overrides": many}),
                       "channel_overrides") == "BASE_TYPE_BAD_LENGTH"
    elsewhere = make_guild(owner, "Other")
    assert field_error(settings(owner, g["id"], {"channel_overrides": {general(owner, elsewhere["id"])["id"]: {}}}),
                       "channel_overrides", general(owner, elsewhere["id"])["id"]) == "CHANNEL_NOT_IN_GUILD"
    r = requests.patch(server.url(f"/api/v10/users/@me/guilds/{g['id']}/settings"), data="{", timeout=30,
                       headers={"Authorization": owner.token, "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == 50109, r.text
    # nothing of the refused requests was stored
    s = ok(settings(owner, g["id"], {}))
    assert s["muted"] is False and s["channel_overrides"] == []


def test_unknown_guild_is_404(server):
    owner, stranger = new_client(server, "ugso"), new_client(server, "ugss")
    g = make_guild(owner)
    for who, gid in ((stranger, g["id"]), (owner, "123456789012345678"), (owner, "nope")):
        r = settings(who, gid, {"muted": True})
        assert r.status_code == 404 and r.json()["code"] == 10004, r.text
    r = requests.patch(server.url(f"/api/v10/users/@me/guilds/{g['id']}/settings"), json={"muted": True}, timeout=30)
    assert r.status_code == 401


def test_ready_carries_settings_and_updates_reach_own_sessions_only(server):
    owner, friend = new_client(server, "ugsr"), new_client(server, "ugsf")
    g = make_guild(owner)
    join(friend, invite_code(owner, general(owner, g["id"])["id"]))
    ok(settings(owner, g["id"], {"message_notifications": 2}))
    mine, theirs = Gateway(server), Gateway(server)
    try:
        ready = mine.identify(owner.token)["d"]
        ugs = ready["user_guild_settings"]
        assert ugs["partial"] is False and ugs["version"] == ugs["entries"][0]["version"] >= 1
        assert [(e["guild_id"], e["message_notifications"]) for e in ugs["entries"]] == [(g["id"], 2)]
        assert theirs.identify(friend.token)["d"]["user_guild_settings"]["entries"] == []
        s = ok(settings(owner, g["id"], {"muted": True}))
        event = mine.expect("USER_GUILD_SETTINGS_UPDATE")["d"]
        assert event == s and event["muted"] is True and event["message_notifications"] == 2
        theirs.none("USER_GUILD_SETTINGS_UPDATE", within=1.0)
    finally:
        mine.close()
        theirs.close()
