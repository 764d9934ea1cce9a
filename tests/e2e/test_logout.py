"""Retiring tokens: POST /auth/logout retires every token of the account (tokens are checked without state, so
the calling one cannot be retired alone) and a password change does the same; either way the gateway sessions
opened with a retired token are closed with 4004 and cannot be resumed, and the account goes on with a new
token."""
import requests

from conftest import register
from gateway_helpers import Gateway
from guild_helpers import Client, new_client, ok


def status(server, token, path="/api/v10/users/@me"):
    return requests.get(server.url(path), headers={"Authorization": token}, timeout=10).status_code


def login(server, user, password="correct horse battery"):
    return ok(server.post("/api/v10/auth/login", json={"login": user["username"], "password": password}))["token"]


def test_logout_retires_every_token_of_the_account_and_no_other(server):
    me = register(server)
    other = new_client(server, "other")
    second = login(server, me)  # another device
    assert status(server, me["token"]) == 200 and status(server, second) == 200
    r = requests.post(server.url("/api/v10/auth/logout"), headers={"Authorization": me["token"]},
                      json={"provider": None, "voip_provider": None}, timeout=10)
    assert r.status_code == 204 and r.content == b""
    assert status(server, me["token"]) == 401
    assert status(server, second) == 401
    r = requests.post(server.url("/api/v10/auth/logout"), headers={"Authorization": me["token"]}, timeout=10)
    assert r.status_code == 401 and r.json()["code"] == 0
    assert status(server, other.token) == 200, "another account's tokens hold"
    fresh = login(server, me)
    assert status(server, fresh) == 200, "signing in again works"


def test_logout_needs_a_token(server):
    r = requests.post(server.url("/api/v10/auth/logout"), timeout=10)
    assert r.status_code == 401


def test_logout_closes_the_gateway_sessions_of_the_account_with_4004(server):
    me = register(server)
    other = register(server)
    mine = [Gateway(server), Gateway(server)]
    for gw, token in zip(mine, [me["token"], login(server, me)]):
        gw.identify(token)
    theirs = Gateway(server)
    theirs.identify(other["token"])
    ok(requests.post(server.url("/api/v10/auth/logout"), headers={"Authorization": me["token"]}, timeout=10))
    assert [gw.close_code() for gw in mine] == [4004, 4004]
    # The other account's session is still served.
    theirs.send(1, theirs.seq)
    assert theirs.recv()["op"] == 11
    # A session closed so cannot be resumed, not even with a fresh token.
    fresh = login(server, me)
    again = Gateway(server)
    again.send(6, {"token": fresh, "session_id": mine[0].session_id, "seq": mine[0].seq or 0})
    assert again.recv()["op"] == 9
    again.ws.close()
    theirs.ws.close()


def test_a_password_change_closes_the_older_sessions_and_the_new_token_goes_on(server):
    me = register(server)
    old = Gateway(server)
    old.identify(me["token"])
    c = Client(server, me)
    r = ok(c.patch("/users/@me", {"password": "correct horse battery", "new_password": "another good one"}))
    assert old.close_code() == 4004
    assert status(server, me["token"]) == 401
    assert status(server, r["token"]) == 200
    new = Gateway(server)
    new.identify(r["token"])
    new.send(1, new.seq)
    assert new.recv()["op"] == 11, "a session with the new token is not closed"
    new.none("READY", within=0.5)
    new.ws.close()


def test_a_refused_password_change_retires_nothing(server):
    me = register(server)
    gw = Gateway(server)
    gw.identify(me["token"])
    r = Client(server, me).patch("/users/@me", {"password": "not the password", "new_password": "another good one"})
    assert r.status_code == 400
    assert status(server, me["token"]) == 200
    gw.send(1, gw.seq)
    assert gw.recv()["op"] == 11
    gw.ws.close()
