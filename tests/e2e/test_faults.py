"""Faults under load: DynamoDB Local stops in the middle of it (503s in Discord's shape, no crash, service comes
back, no acknowledged message lost), and SIGTERM in the middle of it (requests in flight are answered, gateway
sessions are told to reconnect and closed resumably, exit 0)."""
import json
import signal
import socket
import struct
import threading
import time
import uuid

import pytest
import requests
import websocket

from conftest import DynamoDBLocal, assert_sanitizer_clean, init_db, wait_until
from gateway_helpers import Gateway
from guild_helpers import Client, general, make_guild, new_client, ok


class Load:
    """Threads that post messages until stopped, keeping every answer."""

    def __init__(self, client, channel_id, threads=3):
        self.client, self.channel_id = client, channel_id
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.answers = []  # (time, status, body or None)
        self.errors = []   # connection-level failures
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, n):
        i = 0
        while not self.done.is_set():
            i += 1
            try:
                r = self.client.post(f"/channels/{self.channel_id}/messages", {"content": f"load {n}-{i}"})
                body = r.json()
                with self.lock:
                    self.answers.append((time.monotonic(), r.status_code, body))
            except requests.RequestException as e:
                with self.lock:
                    self.errors.append((time.monotonic(), repr(e)))
                time.sleep(0.05)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        for t in self.threads:
            t.join(60)

    def acknowledged(self):
        return {b["id"] for _, status, b in self.answers if status == 200}


def history_ids(client, channel_id):
    ids, before = set(), None
    while True:
        page = ok(client.get(f"/channels/{channel_id}/messages?limit=100" + (f"&before={before}" if before else "")))
        ids |= {m["id"] for m in page}
        if len(page) < 100:
            return ids
        before = page[-1]["id"]


def test_dynamodb_stopping_mid_load_gives_503s_then_service_resumes_losing_nothing(tmp_path, make_server):
    (tmp_path / "ddb").mkdir()
    ddb = DynamoDBLocal(tmp_path / "ddb").start()
    try:
        prefix = f"t{uuid.uuid4().hex[:8]}-"
        assert init_db(ddb.endpoint, prefix).returncode == 0
        server = make_server(prefix=prefix, endpoint=ddb.endpoint)
        owner = new_client(server, "owner")
        ch = general(owner, make_guild(owner)["id"])
        with Load(owner, ch["id"]) as load:
            wait_until(lambda: len(load.acknowledged()) >= 10, 30, "messages under load")
            ddb.stop()
            down_at = time.monotonic()
            wait_until(lambda: any(s == 503 and t > down_at for t, s, _ in load.answers), 30, "a 503")
            assert server.get("/healthz").status_code == 503
            time.sleep(1)
            ddb.start()
            up_at = time.monotonic()
            wait_until(lambda: sum(1 for t, s, _ in load.answers if s == 200 and t > up_at) >= 10, 60,
                       "messages acknowledged again")
        assert server.proc.poll() is None, "the server survived"
        statuses = {s for _, s, _ in load.answers}
        assert statuses <= {200, 503}, statuses
        for _, s, body in load.answers:
            if s == 503:
                assert set(body) >= {"code", "message"} and isinstance(body["code"], int), body
        assert not load.errors, load.errors[:3]
        stored = history_ids(owner, ch["id"])
        lost = load.acknowledged() - stored
        assert not lost, f"{len(lost)} acknowledged messages are missing"
        assert server.get("/healthz").status_code == 200
    finally:
        ddb.stop()


def test_sigterm_mid_load_answers_what_is_in_flight_closes_sessions_resumably_and_exits_0(dynamodb, make_server):
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    assert init_db(dynamodb.endpoint, prefix).returncode == 0
    server = make_server(prefix=prefix)
    owner = new_client(server, "owner")
    ch = general(owner, make_guild(owner)["id"])
    gw = Gateway(server)
    gw.identify(owner.token)
    logins = []

    def login():  # slow on purpose (argon2): surely in flight when the signal comes
        logins.append(server.post("/api/v10/auth/login",
                                  json={"login": owner.user["username"], "password": owner.user["password"]}))

    with Load(owner, ch["id"]) as load:
        wait_until(lambda: len(load.acknowledged()) >= 10, 30, "messages under load")
        slow = [threading.Thread(target=login) for _ in range(3)]
        for t in slow:
            t.start()
        time.sleep(0.03)
        server.proc.send_signal(signal.SIGTERM)
        for t in slow:
            t.join(30)
        ops, code = [], None
        gw.ws.settimeout(10)
        while code is None:
            try:
                opcode, data = gw.ws.recv_data(control_frame=True)
            except websocket.WebSocketConnectionClosedException:
                break
            if opcode == websocket.ABNF.OPCODE_TEXT:
                ops.append(json.loads(data)["op"])
            elif opcode == websocket.ABNF.OPCODE_CLOSE:
                code = int.from_bytes(data[:2], "big")
        assert server.proc.wait(20) == 0
    assert [r.status_code for r in logins] == [200] * 3, "requests in flight at the signal were answered"
    assert 7 in ops and code == 4000, f"RECONNECT then a resumable close, not {ops} {code}"
    # Every answer the load got is whole and successful; the rest could not connect once the server stopped.
    assert {s for _, s, _ in load.answers} == {200}
    gw.close()
    # Nothing acknowledged is lost: a new process on the same tables has every message.
    again = make_server(prefix=prefix)
    stored = history_ids(Client(again, owner.user), ch["id"])
    assert load.acknowledged() <= stored


@pytest.fixture
def own_dynamodb(tmp_path):
    """A DynamoDB Local of the test's own, which the test may stop, with the tables under ddb.prefix."""
    (tmp_path / "ddb").mkdir()
    ddb = DynamoDBLocal(tmp_path / "ddb").start()
    ddb.prefix = f"t{uuid.uuid4().hex[:8]}-"
    assert init_db(ddb.endpoint, ddb.prefix).returncode == 0
    yield ddb
    ddb.stop()


class DeadDynamoDB:
    """What a DynamoDB that went away looks like from the server, on the port DynamoDB Local used: in "hold"
    mode every connection is accepted and never answered (an unreachable host: each attempt runs to its
    timeout); in "reset" mode every connection is closed at once (each attempt fails and is retried)."""

    def __init__(self, port):
        self.mode = "hold"
        self.held = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(128)
        self.sock.settimeout(0.1)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            if self.mode == "hold":
                self.held.append(conn)
            else:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()

    def close(self):
        self.done.set()
        self.thread.join(5)
        for c in self.held:
            c.close()
        self.sock.close()


def discord_503(status, body):
    return status == 503 and isinstance(body, dict) and isinstance(body.get("code"), int) and "message" in body


def unavailable(url, status, body):
    """A 503 in Discord's shape; /healthz has its own body ({"status": "unavailable", ...}) unless aborted."""
    if url.endswith("/healthz") and status == 503 and isinstance(body, dict) and body.get("status") == "unavailable":
        return True
    return discord_503(status, body)


def timed_get(url, headers=None):
    start = time.monotonic()
    r = requests.get(url, headers=headers or {}, timeout=60)
    return time.monotonic() - start, r.status_code, r.json()


def test_an_unreachable_dynamodb_answers_503_within_the_call_deadline(own_dynamodb, make_server):
    ddb = own_dynamodb
    dead = None
    try:
        server = make_server(prefix=ddb.prefix, endpoint=ddb.endpoint, DYNAMODB_CALL_DEADLINE_MS=2000)
        owner = new_client(server, "owner")
        ch = general(owner, make_guild(owner)["id"])
        ddb.stop()
        dead = DeadDynamoDB(ddb.port)
        for url, headers in ((server.url("/healthz"), None),
                             (server.url(f"/api/v10/channels/{ch['id']}/messages"), {"Authorization": owner.token})):
            took, status, body = timed_get(url, headers)
            assert unavailable(url, status, body), (url, status, body)
            # One attempt waits for its answer only as long as the call's deadline leaves: not 6 x 10 s.
            assert 1.5 <= took <= 4.5, f"{url} answered after {took:.1f}s with a 2 s deadline"
        assert server.proc.poll() is None
    finally:
        if dead:
            dead.close()


def test_sigterm_with_dynamodb_unreachable_answers_every_request_503_and_exits_0(own_dynamodb, make_server):
    """Calls in curl and calls waiting for a retry when SIGTERM comes: at the end of the grace period each is
    cancelled, its request answered 503, and the process exits 0 with nothing left (the sanitizer run checks
    that no freed client is touched by a retry timer and nothing leaks)."""
    ddb = own_dynamodb
    dead = None
    try:
        server = make_server(prefix=ddb.prefix, endpoint=ddb.endpoint, SHUTDOWN_GRACE_MS=500,
                             DYNAMODB_CALL_DEADLINE_MS=60000, DYNAMODB_MAX_ATTEMPTS=100)
        owner = new_client(server, "owner")
        ch = general(owner, make_guild(owner)["id"])
        ddb.stop()
        dead = DeadDynamoDB(ddb.port)
        results, lock = [], threading.Lock()

        def call(url, headers=None):
            try:
                r = timed_get(url, headers)
            except requests.RequestException as e:
                r = (None, None, repr(e))
            with lock:
                results.append((time.monotonic(), url) + r)

        auth = {"Authorization": owner.token}
        urls = [(server.url("/healthz"), None),
                (server.url(f"/api/v10/channels/{ch['id']}/messages"), auth)]
        threads = [threading.Thread(target=call, args=u) for u in urls * 2]  # held in curl
        for t in threads:
            t.start()
        time.sleep(1)
        dead.mode = "reset"
        retrying = [threading.Thread(target=call, args=u) for u in urls * 2]  # failing and retried
        for t in retrying:
            t.start()
        time.sleep(1.5)
        signalled = time.monotonic()
        early = [r for r in results if r[0] < signalled]
        assert len(early) < 4, f"even calls held in curl were answered before the signal: {early}"
        server.proc.send_signal(signal.SIGTERM)
        for t in threads + retrying:
            t.join(30)
        code = server.proc.wait(20)
        log = server.log_text()
        assert_sanitizer_clean(log)
        assert len(results) == 8
        for at, url, took, status, body in results:
            assert unavailable(url, status, body), (url, status, body)
            assert at - signalled < 5, f"{url} answered {at - signalled:.1f}s after SIGTERM"
        assert not early, f"answered before the signal, not left retrying: {early}"
        assert code == 0, log[-3000:]
        assert "a handle was still open at exit" not in log
    finally:
        if dead:
            dead.close()
