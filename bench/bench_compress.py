"""task bench (compression part): what transport compression saves and costs on a realistic gateway stream.

A guild of BENCH_MEMBERS members (default 1,000, made through the REST API). For each of plain, zlib-stream and
zstd-stream, in one run: BENCH_COMPRESS_SESSIONS sessions (default 50) of that kind identify (READY, then
GUILD_CREATE of the guild), then BENCH_COMPRESS_MESSAGES messages (default 1,000, text of everyday words) are
posted to the guild's channel, each a MESSAGE_CREATE to every session (after one untimed plain pass, so that
no kind pays for a cold server). The clients are websocket-client
sockets that decode every message (zlib: one inflater per socket; zstd: one decoder per socket) and check it.

Prints, per kind: WebSocket bytes on the wire (frame headers included) per delivered event and in all, split
into READY + GUILD_CREATE and the MESSAGE_CREATEs; server CPU (utime + stime from /proc) per delivery over the
MESSAGE_CREATE phase, which also pays the REST posts (shared by the sessions: the difference to plain is what
compression costs); server memory per session (RSS growth as the sessions open); and the ratios to plain.
Goal: at least 4x fewer bytes than plain JSON over the whole stream.
"""
import concurrent.futures
import json
import os
import pathlib
import random
import sys
import tempfile
import threading
import time
import uuid
import zlib

import requests
import websocket
import zstandard

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import DynamoDBLocal, Server, init_db, proc_status_kib, register  # noqa: E402

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "1000"))
SESSIONS = int(os.environ.get("BENCH_COMPRESS_SESSIONS", "50"))
MESSAGES = int(os.environ.get("BENCH_COMPRESS_MESSAGES", "1000"))
KINDS = ["plain", "zlib-stream", "zstd-stream"]
WORDS = ("the a to and of is in it you that for on was with he be at this have but are not they we what so "
         "all just like do can if about one out get up go know there no when me time my what think see your "
         "would people really good now make how some then more going new want back well because any way "
         "game server voice channel tonight later meeting update build deploy patch review release ticket "
         "lunch coffee weekend music stream link video photo thanks sure maybe soon done fixed broken works "
         "nice great cool agreed tomorrow morning yesterday everyone please check anyone around here").split()


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wire_bytes(payload_len):
    """A server frame's size on the wire: its header (unmasked) and payload."""
    return payload_len + (2 if payload_len < 126 else 4 if payload_len < 65536 else 10)


class Session:
    """One gateway socket of a kind, read on a thread of its own; counts bytes by phase and checks each
    message decodes to JSON."""

    def __init__(self, port, kind, token):
        query = "" if kind == "plain" else f"&compress={kind}"
        self.kind = kind
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}/gateway?v=10&encoding=json{query}",
                                              timeout=120)
        self.inflater = zlib.decompressobj() if kind == "zlib-stream" else None
        self.zstd = zstandard.ZstdDecompressor().decompressobj() if kind == "zstd-stream" else None
        self.bytes = {"login": 0, "messages": 0, "other": 0}
        self.plain_bytes = {"login": 0, "messages": 0, "other": 0}
        self.count = {"login": 0, "messages": 0}
        self.sizes = {}
        self.ready = threading.Event()
        self.done = threading.Event()
        self.error = None
        self.token = token
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def decode(self, op, data):
        if self.kind == "plain":
            assert op == websocket.ABNF.OPCODE_TEXT
            return data
        assert op == websocket.ABNF.OPCODE_BINARY
        if self.inflater:
            assert data.endswith(b"\x00\x00\xff\xff")
            return self.inflater.decompress(data)
        return self.zstd.decompress(data)

    def _read(self):
        try:
            while not self.done.is_set():
                op, data = self.ws.recv_data()
                text = self.decode(op, data)
                msg = json.loads(text)
                t = msg.get("t")
                phase = ("login" if t in ("READY", "GUILD_CREATE") else
                         "messages" if t == "MESSAGE_CREATE" and msg["d"]["content"].startswith("bench ") else "other")
                self.bytes[phase] += wire_bytes(len(data))
                self.plain_bytes[phase] += wire_bytes(len(text))
                if t in ("READY", "GUILD_CREATE"):
                    self.sizes[t] = len(text)
                if msg.get("op") == 10:
                    self.ws.send(json.dumps({"op": 2, "d": {"token": self.token, "intents": 33281, "properties": {
                        "os": "linux", "browser": "bench", "device": "bench"}}}))
                if phase != "other":
                    self.count[phase] += 1
                if t == "GUILD_CREATE":
                    self.ready.set()
                if self.count["messages"] == MESSAGES:
                    self.done.set()
        except Exception as e:  # a failed check or a closed socket ends the run with the cause
            if not self.done.is_set():
                self.error = e
                self.ready.set()
                self.done.set()

    def close(self):
        self.done.set()
        try:
            self.ws.close()
        except Exception:
            pass


def make_guild(srv):
    api = lambda path: srv.url("/api/v10" + path)  # noqa: E731
    owner = register(srv)
    auth = {"Authorization": owner["token"]}
    guild = requests.post(api("/guilds"), json={"name": "compression bench"}, headers=auth, timeout=30).json()
    channel = guild["channels"][0]["id"]
    code = requests.post(api(f"/channels/{channel}/invites"), json={}, headers=auth, timeout=30).json()["code"]

    def member(_):
        u = register(srv)
        r = requests.post(api(f"/invites/{code}"), headers={"Authorization": u["token"]}, timeout=30)
        assert r.status_code == 200, r.text
        return u

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        members = list(pool.map(member, range(MEMBERS - 1)))
    return owner, [owner] + members, channel


def run_kind(srv, kind, users, channel, poster):
    rss_before = proc_status_kib(srv.proc.pid)
    sessions = [Session(srv.port, kind, users[i % len(users)]["token"]) for i in range(SESSIONS)]
    try:
        for s in sessions:
            assert s.ready.wait(120) and not s.error, f"{kind}: no GUILD_CREATE ({s.error})"
        time.sleep(1)
        rss = (proc_status_kib(srv.proc.pid) - rss_before) / SESSIONS
        rng = random.Random(7)
        http = requests.Session()
        cpu0, t0 = cpu_seconds(srv.proc.pid), time.time()
        for m in range(MESSAGES):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 30)))
            r = http.post(srv.url(f"/api/v10/channels/{channel}/messages"), json={"content": f"bench {m}: {words}"},
                          headers={"Authorization": poster["token"]}, timeout=30)
            assert r.status_code == 200, r.text
        for s in sessions:
            assert s.done.wait(120) and not s.error, f"{kind}: {s.count['messages']} messages ({s.error})"
        cpu, seconds = cpu_seconds(srv.proc.pid) - cpu0, time.time() - t0
        total = lambda key, phase: sum(getattr(s, key)[phase] for s in sessions)  # noqa: E731
        return {
            "kind": kind,
            "login": total("bytes", "login"), "messages": total("bytes", "messages"),
            "plain_login": total("plain_bytes", "login"), "plain_messages": total("plain_bytes", "messages"),
            "events": total("count", "login") + total("count", "messages"),
            "deliveries": total("count", "messages"),
            "cpu_us": cpu / total("count", "messages") * 1e6, "seconds": seconds, "kib_per_session": rss,
            "sizes": sessions[0].sizes,
        }
    finally:
        for s in sessions:
            s.close()


def main():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="sd-bench-compress-"))
    ddb = DynamoDBLocal(tmp).start()
    prefix = f"c{uuid.uuid4().hex[:6]}-"
    srv = None
    try:
        assert init_db(ddb.endpoint, prefix).returncode == 0
        srv = Server(ddb.endpoint, prefix, tmp, LOG_LEVEL="warn", GATEWAY_HEARTBEAT_MS="600000",
                     GATEWAY_MAX_SESSIONS_PER_ADDRESS="0", HTTP_MAX_CONNECTIONS_PER_ADDRESS="0").start()
        t0 = time.time()
        owner, users, channel = make_guild(srv)
        setup = time.time() - t0
        # The sessions are the members' (not the poster's): everyone sees the poster's messages.
        watchers = users[1:] or users
        # Untimed: warms the server, the allocator and DynamoDB. Its memory figure is the plain one: later
        # passes reuse what it freed, so theirs show what a kind needs beyond a plain session.
        cold = run_kind(srv, "plain", watchers, channel, owner)
        results = [run_kind(srv, kind, watchers, channel, owner) for kind in KINDS]
        results[0]["kib_per_session"] = cold["kib_per_session"]
    finally:
        if srv:
            srv.stop()
        ddb.stop()
    plain = results[0]
    sizes = plain["sizes"]
    print(f"{MEMBERS} members (made in {setup:.0f} s), {SESSIONS} sessions per kind, each getting READY "
          f"({sizes.get('READY', 0):,} bytes of JSON), GUILD_CREATE ({sizes.get('GUILD_CREATE', 0):,} bytes) "
          f"and {MESSAGES} MESSAGE_CREATE")
    for r in results:
        whole = r["login"] + r["messages"]
        print(f"{r['kind']:12}: {whole / r['events']:7.1f} bytes per event on the wire "
              f"(READY + GUILD_CREATE {r['login'] / (2 * SESSIONS):8.1f}, MESSAGE_CREATE "
              f"{r['messages'] / r['deliveries']:6.1f}); {whole / 1e6:6.2f} MB in all; "
              f"server CPU {r['cpu_us']:6.1f} us per delivery; "
              + (f"{r['kib_per_session']:6.1f} KiB per session (server RSS)" if r is plain else
                 f"{r['kib_per_session']:+6.1f} KiB per session beyond plain (server RSS)"))
    for r in results[1:]:
        whole, plain_whole = r["login"] + r["messages"], plain["login"] + plain["messages"]
        print(f"{r['kind']:12}: {plain_whole / whole:4.1f}x fewer bytes than plain over the whole stream "
              f"(READY + GUILD_CREATE {plain['login'] / r['login']:4.1f}x, MESSAGE_CREATE "
              f"{plain['messages'] / r['messages']:4.1f}x; goal >= 4x); CPU per delivery "
              f"{r['cpu_us'] / plain['cpu_us']:4.2f}x plain ({r['cpu_us'] - plain['cpu_us']:+.1f} us)")


if __name__ == "__main__":
    main()
