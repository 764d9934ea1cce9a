"""Accounts against the real server and DynamoDB Local: register, login, @me, profile, tokens, the name race."""
import base64
import concurrent.futures
import hashlib
import hmac
import re
import time

import pytest

from conftest import SECRET, register, unique_name
from image_fixtures import data_uri
from media_helpers import png

SNOWFLAKE_EPOCH_MS = 1420070400000


def auth(token, scheme=""):
    return {"Authorization": f"{scheme}{token}"}


def make_token(user_id, expires_at, version, secret=SECRET):
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    head = ".".join(b64(str(v).encode()) for v in (user_id, expires_at, version))
    key = hashlib.sha256(secret.encode()).digest()
    return head + "." + b64(hmac.new(key, head.encode(), hashlib.sha256).digest())


def test_register_login_me_flow(server):
    name = unique_name("flow")
    r = server.post("/api/v10/auth/register", json={"username": name, "password": "s3cret-pass", "email": f"{name}@example.com"})
    assert r.status_code == 201
    token = r.json()["token"]
    user_id = r.json()["user_id"]

    r = server.post("/api/v10/auth/login", json={"login": name, "password": "s3cret-pass"})
    assert r.status_code == 200
    assert r.json()["user_id"] == user_id
    login_token = r.json()["token"]

    r = server.post("/api/v10/auth/login", json={"login": f"{name.upper()}@EXAMPLE.COM", "password": "s3cret-pass"})
    assert r.status_code == 200, "login by email, case-insensitive"

    for t in (token, login_token):
        me = server.get("/api/v10/users/@me", headers=auth(t)).json()
        assert me["id"] == user_id and me["username"] == name
        assert me["email"] == f"{name}@example.com"
        assert me["discriminator"] == "0" and me["global_name"] is None and me["avatar"] is None
        assert me["bot"] is False and me["verified"] is True
        assert "password_hash" not in me and "token_version" not in me


def test_ids_are_snowflakes(server):
    before = int(time.time() * 1000)
    u = register(server)
    after = int(time.time() * 1000)
    assert isinstance(u["id"], str) and u["id"].isdigit()
    ts = (int(u["id"]) >> 22) + SNOWFLAKE_EPOCH_MS
    assert before - 1000 <= ts <= after + 1000


def test_api_v1_and_v10_are_the_same_api(server):
    u = register(server)
    a = server.get("/api/v1/users/@me", headers=auth(u["token"])).json()
    b = server.get("/api/v10/users/@me", headers=auth(u["token"])).json()
    assert a == b


@pytest.mark.parametrize("scheme", ["", "Bearer ", "Bot "])
def test_authorization_schemes(server, scheme):
    u = register(server)
    assert server.get("/api/v10/users/@me", headers=auth(u["token"], scheme)).status_code == 200


def test_username_is_unique_case_insensitively(server):
    name = unique_name("dup")
    register(server, username=name)
    r = server.post("/api/v10/auth/register", json={"username": name.upper(), "password": "another-pass"})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == 50035
    assert body["errors"]["username"]["_errors"][0]["code"] == "USERNAME_ALREADY_TAKEN"


def test_email_is_unique(server):
    email = f"{unique_name('mail')}@example.org"
    register(server, email=email)
    r = server.post("/api/v10/auth/register", json={"username": unique_name(), "password": "another-pass", "email": email})
    assert r.status_code == 400
    assert r.json()["errors"]["email"]["_errors"][0]["code"] == "EMAIL_ALREADY_REGISTERED"


def test_twenty_concurrent_registrations_of_one_name(server):
    name = unique_name("race")
    passwords = [f"password-{i:02d}" for i in range(20)]

    def attempt(pw):
        return server.post("/api/v10/auth/register", json={"username": name, "password": pw})

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(attempt, passwords))
    codes = [r.status_code for r in results]
    assert codes.count(201) == 1, codes
    for r in results:
        if r.status_code != 201:
            assert r.status_code == 400
            assert r.json()["errors"]["username"]["_errors"][0]["code"] == "USERNAME_ALREADY_TAKEN"
    winner = passwords[codes.index(201)]
    ok = [server.post("/api/v10/auth/login", json={"login": name, "password": pw}).status_code for pw in passwords]
    assert ok.count(200) == 1 and ok[codes.index(201)] == 200, "exactly one account holds the name"
    assert winner


@pytest.mark.parametrize("body,field,code", [
    ({"username": "a", "password": "password1"}, "username", "BASE_TYPE_BAD_LENGTH"),
    ({"username": "x" * 33, "password": "password1"}, "username", "BASE_TYPE_BAD_LENGTH"),
    ({"username": "bad name!", "password": "password1"}, "username", "USERNAME_INVALID_CHARACTERS"),
    ({"username": "dots..twice", "password": "password1"}, "username", "USERNAME_INVALID_CHARACTERS"),
    ({"username": "validname", "password": "short"}, "password", "BASE_TYPE_BAD_LENGTH"),
    ({"username": "validname", "password": "p" * 73}, "password", "BASE_TYPE_BAD_LENGTH"),
    ({"username": "validname", "password": "password1", "email": "not-an-email"}, "email", "EMAIL_TYPE_INVALID_EMAIL"),
    ({"username": "validname", "password": "password1", "email": "a@b"}, "email", "EMAIL_TYPE_INVALID_EMAIL"),
    ({"username": "validname", "password": "password1", "email": "a b@c.de"}, "email", "EMAIL_TYPE_INVALID_EMAIL"),
    ({"password": "password1"}, "username", "BASE_TYPE_REQUIRED"),
    ({"username": "validname"}, "password", "BASE_TYPE_REQUIRED"),
    ({"username": 12345, "password": "password1"}, "username", "BASE_TYPE_STRING"),
    ({"username": "validname", "password": ["password1"]}, "password", "BASE_TYPE_STRING"),
    ({"username": "valid\u0000name", "password": "password1"}, "username", "BASE_TYPE_STRING"),
])
def test_register_validation(server, body, field, code):
    r = server.post("/api/v10/auth/register", json=body)
    assert r.status_code == 400
    j = r.json()
    assert j["code"] == 50035 and j["message"] == "Invalid Form Body"
    assert j["errors"][field]["_errors"][0]["code"] == code


def test_password_length_counts_characters_not_bytes(server):
    r = server.post("/api/v10/auth/register", json={"username": unique_name(), "password": "é" * 8})
    assert r.status_code == 201


def test_all_field_errors_reported_at_once(server):
    r = server.post("/api/v10/auth/register", json={"username": "!", "password": "x", "email": "y"})
    assert set(r.json()["errors"]) == {"username", "password", "email"}


@pytest.mark.parametrize("body", [
    {"login": "nobody_at_all_here", "password": "whatever-pass"},
    {"login": "nobody@nowhere.example", "password": "whatever-pass"},
])
def test_login_unknown_user(server, body):
    r = server.post("/api/v10/auth/login", json=body)
    assert r.status_code == 400
    assert r.json()["errors"]["login"]["_errors"][0]["code"] == "INVALID_LOGIN"


def test_login_wrong_password(server):
    u = register(server)
    r = server.post("/api/v10/auth/login", json={"login": u["username"], "password": "wrong-password"})
    assert r.status_code == 400
    assert r.json()["errors"]["password"]["_errors"][0]["code"] == "INVALID_LOGIN"


def test_patch_profile(server):
    u = register(server)
    r = server.patch("/api/v10/users/@me", headers=auth(u["token"]),
                     json={"global_name": "Zoë Ünicode", "avatar": data_uri(png(4, 4))})
    assert r.status_code == 200, r.text
    assert r.json()["global_name"] == "Zoë Ünicode" and re.fullmatch(r"[0-9a-f]{32}", r.json()["avatar"])
    me = server.get("/api/v10/users/@me", headers=auth(u["token"])).json()
    assert me["global_name"] == "Zoë Ünicode"
    r = server.patch("/api/v10/users/@me", headers=auth(u["token"]), json={"global_name": None, "avatar": None})
    assert r.json()["global_name"] is None and r.json()["avatar"] is None


def test_patch_validation_changes_nothing(server):
    u = register(server)
    for body in ({"global_name": ""}, {"global_name": "x" * 33}, {"avatar": "javascript:alert(1)"},
                 {"avatar": "https://img.example/a.png"},
                 {"username": "no spaces allowed"}, {"username": 5}):
        r = server.patch("/api/v10/users/@me", headers=auth(u["token"]), json=body)
        assert r.status_code == 400 and r.json()["code"] == 50035, body
    me = server.get("/api/v10/users/@me", headers=auth(u["token"])).json()
    assert me["username"] == u["username"] and me["global_name"] is None


def test_rename_frees_old_name_and_takes_new(server):
    u = register(server)
    new = unique_name("renamed")
    r = server.patch("/api/v10/users/@me", headers=auth(u["token"]), json={"username": new})
    assert r.status_code == 200 and r.json()["username"] == new
    assert server.post("/api/v10/auth/login", json={"login": new, "password": u["password"]}).status_code == 200
    assert server.post("/api/v10/auth/login", json={"login": u["username"], "password": u["password"]}).status_code == 400
    other = register(server, username=u["username"])  # the old name is free again
    r = server.patch("/api/v10/users/@me", headers=auth(other["token"]), json={"username": new})
    assert r.status_code == 400
    assert r.json()["errors"]["username"]["_errors"][0]["code"] == "USERNAME_ALREADY_TAKEN"


def test_password_change_retires_old_tokens(server):
    u = register(server)
    old = u["token"]
    r = server.patch("/api/v10/users/@me", headers=auth(old),
                     json={"password": u["password"], "new_password": "brand-new-password"})
    assert r.status_code == 200, r.text
    new = r.json()["token"]
    assert server.get("/api/v10/users/@me", headers=auth(old)).status_code == 401
    assert server.get("/api/v10/users/@me", headers=auth(new)).status_code == 200
    assert server.post("/api/v10/auth/login", json={"login": u["username"], "password": u["password"]}).status_code == 400
    assert server.post("/api/v10/auth/login", json={"login": u["username"], "password": "brand-new-password"}).status_code == 200


def test_password_change_needs_the_current_password(server):
    u = register(server)
    r = server.patch("/api/v10/users/@me", headers=auth(u["token"]),
                     json={"password": "not-the-password", "new_password": "brand-new-password"})
    assert r.status_code == 400
    assert r.json()["errors"]["password"]["_errors"][0]["code"] == "PASSWORD_DOES_NOT_MATCH"
    assert server.get("/api/v10/users/@me", headers=auth(u["token"])).status_code == 200


def test_get_user_shows_public_fields_only(server):
    a, b = register(server, email=f"{unique_name()}@example.com"), register(server)
    r = server.get(f"/api/v10/users/{a['id']}", headers=auth(b["token"]))
    assert r.status_code == 200
    j = r.json()
    assert j["id"] == a["id"] and j["username"] == a["username"]
    assert "email" not in j and "verified" not in j


@pytest.mark.parametrize("uid", ["1234567890123", "not-a-number", "0", "99999999999999999999999"])
def test_get_unknown_user(server, uid):
    u = register(server)
    r = server.get(f"/api/v10/users/{uid}", headers=auth(u["token"]))
    assert r.status_code == 404
    assert r.json() == {"code": 10013, "message": "Unknown User"}


def test_tokens_that_must_be_refused(server):
    u = register(server)
    uid = int(u["id"])
    now = int(time.time())
    head, _, sig = u["token"].rpartition(".")
    forged_sig = head + "." + ("A" if sig[0] != "A" else "B") + sig[1:]
    cases = {
        "missing": None,
        "empty": "",
        "garbage": "not.a.token",
        "forged signature": forged_sig,
        "other secret": make_token(uid, now + 3600, 1, secret="some-other-secret-that-is-long-enough"),
        "expired": make_token(uid, now - 5, 1),
        "old version": make_token(uid, now + 3600, 0),
        "unknown user": make_token(uid + 1, now + 3600, 1),
        "huge": "A" * 5000,
    }
    for what, token in cases.items():
        headers = {} if token is None else {"Authorization": token}
        r = server.get("/api/v10/users/@me", headers=headers)
        assert r.status_code == 401, what
        assert r.json() == {"code": 0, "message": "401: Unauthorized"}, what
    assert server.get("/api/v10/users/@me", headers=auth(make_token(uid, now + 3600, 1))).status_code == 200


def test_concurrent_profile_edits_never_say_the_name_is_taken(server):
    """A rename and a display-name change of one account, sent at once, many times over: the one whose write
    finds the account changed meanwhile must not be told that its (unchanged, or fresh) username is taken, and
    neither edit may be lost."""
    u = register(server)
    headers = auth(u["token"])
    barrier = concurrent.futures.ThreadPoolExecutor(2)
    collisions_seen = 0
    for i in range(40):
        name, display = unique_name("edit"), f"Display {i}"
        futures = [barrier.submit(server.patch, "/api/v10/users/@me", headers=headers, json={"username": name}),
                   barrier.submit(server.patch, "/api/v10/users/@me", headers=headers, json={"global_name": display})]
        answers = [f.result() for f in futures]
        for r in answers:
            assert "USERNAME_ALREADY_TAKEN" not in r.text, (i, r.status_code, r.text)
            assert r.status_code in (200, 409), (i, r.status_code, r.text)
            if r.status_code == 409:
                collisions_seen += 1
                assert r.json()["code"] == 0 and "username" not in r.json()["message"].lower(), r.text
        me = server.get("/api/v10/users/@me", headers=headers).json()
        if all(r.status_code == 200 for r in answers):
            assert (me["username"], me["global_name"]) == (name, display), (i, me)
    barrier.shutdown()
    # Only a double collision (the retry colliding again) may answer 409, and never often.
    assert collisions_seen <= 4, collisions_seen
