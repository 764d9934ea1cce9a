"""Faults under load: DynamoDB Local stops in the middle of it (503s in Discord's shape, no crash, service comes
back, no acknowledged message lost), and SIGTERM in the middle of it (requests in flight are answered, gateway
sessions are told to reconnect and closed resumably, exit 0)."""
import json
import signal
import threading
import time
import uuid

import requests
import websocket

from conftest import DynamoDBLocal, init_db, wait_until
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
