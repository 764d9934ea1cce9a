"""task bench (gateway part): N idle gateway sessions, then messages posted to a channel all of them see.

1. The real server: BENCH_USERS users share BENCH_SESSIONS sessions (N, default 10,000), opened by ws_load (C,
   libuv). Server memory per idle session is its RSS growth over N. Then messages go one at a time (latency:
   from the POST to each session; p50/p99 over all their deliveries together, the spread of each message's
   own p99, and the time until the last session has it), and then back to back from a few threads (frames
   delivered per second).
   Then the same again with every session on zstd-stream (?compress=zstd-stream: each session compresses its
   own copy of each event into its socket's stream; each ws_load client decodes its own stream).
2. The ceiling, in the same run: ws_broadcaster, the same HTTP and WebSocket code with no chat logic, sends a
   frame of the same size to the same N sockets on each POST /broadcast.
Prints all figures and the ratio of the two throughputs (goals: p99 < 100 ms, also with every session on
zstd-stream, <= 12 KiB per idle plain session, >= 0.7 of the ceiling).
"""
import concurrent.futures
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import requests

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import BINARY, DynamoDBLocal, Server, free_port, init_db, proc_status_kib, register  # noqa: E402

SESSIONS = int(os.environ.get("BENCH_SESSIONS", "10000"))
USERS = int(os.environ.get("BENCH_USERS", "100"))
LATENCY_MESSAGES = int(os.environ.get("BENCH_LATENCY_MESSAGES", "20"))
BURST_MESSAGES = int(os.environ.get("BENCH_BURST_MESSAGES", "40"))
BURST_THREADS = 4


def raise_open_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = SESSIONS + 1024
    if hard != resource.RLIM_INFINITY and hard < want:
        raise SystemExit(f"the open-file limit ({hard}) is below {want}: raise it (ulimit -Hn) or lower BENCH_SESSIONS")
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


class Load:
    """ws_load with N clients; ready() waits until all are in, finish() returns its per-message lines."""

    def __init__(self, port, mode, tokens=()):
        self.proc = subprocess.Popen([str(BINARY.parent / "ws_load"), "127.0.0.1", str(port), str(SESSIONS), mode,
                                      *tokens], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=dict(os.environ, WS_LOAD_POOL=str(LATENCY_MESSAGES)))

    def ready(self, timeout=600):
        box = {}
        t = threading.Thread(target=lambda: box.setdefault("line", self.proc.stdout.readline()), daemon=True)
        t.start()
        t.join(timeout)
        if box.get("line", "").strip() != "ready":
            self.proc.kill()
            raise SystemExit(f"ws_load did not get {SESSIONS} sessions ready within {timeout} s")

    def finish(self):
        self.proc.stdin.close()
        out = self.proc.stdout.read()
        self.proc.wait(60)
        rows = list(map(json.loads, out.splitlines()))
        lines = {r["m"]: r for r in rows if "m" in r}
        lines["pooled"] = next((r for r in rows if "pooled" in r), {"p50_ms": float("nan"), "p99_ms": float("nan")})
        return lines


def run_phases(send):
    """Latency messages one at a time, then a burst; send(m) posts message m stamped 'bench:m:ns' and returns
    the ns. Returns the figures."""
    sent = {}
    for m in range(LATENCY_MESSAGES):
        sent[m] = send(m)
        time.sleep(0.3)
    burst = range(LATENCY_MESSAGES, LATENCY_MESSAGES + BURST_MESSAGES)
    with concurrent.futures.ThreadPoolExecutor(BURST_THREADS) as pool:
        for m, ns in zip(burst, pool.map(send, burst)):
            sent[m] = ns
    time.sleep(3)  # the last deliveries
    return sent


def summarize(lines, sent, label):
    lat = [lines[m] for m in range(LATENCY_MESSAGES) if m in lines]
    complete = [r for r in lat if r["count"] == SESSIONS]
    all_ms = sorted(r["max_ms"] for r in lat)
    p = lambda xs, q: xs[min(len(xs) - 1, int(len(xs) * q))] if xs else float("nan")  # noqa: E731
    burst = [m for m in sent if m >= LATENCY_MESSAGES]
    frames = sum(lines[m]["count"] for m in burst if m in lines)
    first = min(sent[m] for m in burst)
    last = max(sent[m] + lines[m]["max_ms"] * 1e6 for m in burst if m in lines)
    per_second = frames / ((last - first) / 1e9)
    lost = sum(SESSIONS - lines.get(m, {"count": 0})["count"] for m in sent)
    per_message_p99 = sorted(r["p99_ms"] for r in lat)
    return {
        "label": label,
        "p50_ms": lines["pooled"]["p50_ms"],
        "p99_ms": lines["pooled"]["p99_ms"],
        "message_p99_ms": (p(per_message_p99, 0.0), p(per_message_p99, 0.5), per_message_p99[-1]),
        "all_p50_ms": p(all_ms, 0.5),
        "all_p99_ms": p(all_ms, 0.99),
        "complete": len(complete),
        "frames_per_second": per_second,
        "lost": lost,
    }


def gateway_run(tmp, ddb, mode="gateway"):
    prefix = f"g{uuid.uuid4().hex[:6]}-"
    assert init_db(ddb.endpoint, prefix).returncode == 0
    # every session comes from 127.0.0.1: the per-address caps would refuse most of them
    srv = Server(ddb.endpoint, prefix, tmp, LOG_LEVEL="warn", GATEWAY_HEARTBEAT_MS="600000",
                 GATEWAY_MAX_SESSIONS_PER_ADDRESS="0", HTTP_MAX_CONNECTIONS_PER_ADDRESS="0").start()
    try:
        owner = register(srv)
        auth = {"Authorization": owner["token"]}
        api = lambda path: srv.url("/api/v10" + path)  # noqa: E731
        guild = requests.post(api("/guilds"), json={"name": "bench"}, headers=auth, timeout=30).json()
        channel = guild["channels"][0]["id"]
        code = requests.post(api(f"/channels/{channel}/invites"), json={}, headers=auth, timeout=30).json()["code"]
        users = [owner] + [register(srv) for _ in range(USERS - 1)]
        for u in users[1:]:
            r = requests.post(api(f"/invites/{code}"), headers={"Authorization": u["token"]}, timeout=30)
            assert r.status_code == 200, r.text
        frame_like = {}
        session = requests.Session()

        def send(m):
            ns = time.monotonic_ns()
            r = session.post(api(f"/channels/{channel}/messages"), json={"content": f"bench:{m}:{ns}"},
                             headers=auth, timeout=30)
            assert r.status_code == 200, r.text
            frame_like.setdefault("d", dict(r.json(), guild_id=guild["id"]))
            return ns

        send(4095)  # one untimed message first, before any session is there
        before = proc_status_kib(srv.proc.pid)
        load = Load(srv.port, mode, [u["token"] for u in users])
        t0 = time.time()
        load.ready()
        ramp = time.time() - t0
        time.sleep(2)
        per_session = (proc_status_kib(srv.proc.pid) - before) / SESSIONS
        sent = run_phases(send)
        busy = (proc_status_kib(srv.proc.pid) - before) / SESSIONS  # each session now keeps its last dispatches
        lines = load.finish()
        out = summarize(lines, sent, "zstd" if mode == "gateway-zstd" else "gateway")
        out.update(kib_per_session=per_session, kib_per_session_after=busy, ramp_s=ramp, frame=frame_like["d"])
        return out
    finally:
        srv.stop()


def bare_run(frame_data):
    port = free_port()
    proc = subprocess.Popen([str(BINARY.parent / "ws_broadcaster"), str(port)], stdout=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()
        session = requests.Session()

        def send(m):
            ns = time.monotonic_ns()
            body = json.dumps({"op": 0, "s": m + 1, "t": "MESSAGE_CREATE",
                               "d": dict(frame_data, content=f"bench:{m}:{ns}")}, separators=(",", ":"))
            r = session.post(f"http://127.0.0.1:{port}/broadcast", data=body, timeout=30)
            assert r.status_code == 204
            return ns

        before = proc_status_kib(proc.pid)
        load = Load(port, "bare")
        load.ready()
        time.sleep(2)
        per_session = (proc_status_kib(proc.pid) - before) / SESSIONS
        sent = run_phases(send)
        out = summarize(load.finish(), sent, "bare")
        out.update(kib_per_session=per_session)
        return out
    finally:
        proc.terminate()
        proc.wait(10)


def show(r):
    best, median, worst = r["message_p99_ms"]
    print(f"{r['label']:8}: delivery p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms (each message's p99: "
          f"best {best:.1f}, median {median:.1f}, worst {worst:.1f} ms); until all "
          f"{SESSIONS} have it p50 {r['all_p50_ms']:.1f} ms, p99 {r['all_p99_ms']:.1f} ms; "
          f"{r['frames_per_second']:,.0f} frames/s; {r['kib_per_session']:.1f} KiB per idle session; "
          f"{r['lost']} deliveries missing")


def main():
    raise_open_files()
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="sd-bench-gw-"))
    ddb = DynamoDBLocal(tmp).start()
    try:
        gw = gateway_run(tmp, ddb)
        zstd = gateway_run(tmp, ddb, "gateway-zstd")
    finally:
        ddb.stop()
    bare = bare_run(gw["frame"])
    print(f"{SESSIONS} sessions ({USERS} users), {LATENCY_MESSAGES} messages one at a time, then "
          f"{BURST_MESSAGES} from {BURST_THREADS} threads; ramp-up {gw['ramp_s']:.1f} s")
    show(gw)
    show(zstd)
    show(bare)
    print(f"gateway memory per session after the {LATENCY_MESSAGES + BURST_MESSAGES} "
          f"messages (each kept for RESUME): {gw['kib_per_session_after']:.1f} KiB")
    print(f"zstd-stream sessions: delivery p99 {zstd['p99_ms']:.1f} ms against {gw['p99_ms']:.1f} ms plain "
          f"(goal < 100 ms); {zstd['kib_per_session']:.1f} KiB per idle session against "
          f"{gw['kib_per_session']:.1f} KiB plain (the compressor's window and tables)")
    print(f"ratio gateway / bare frames per second: {gw['frames_per_second'] / bare['frames_per_second']:.2f} "
          f"(goal >= 0.70); zstd-stream / bare: {zstd['frames_per_second'] / bare['frames_per_second']:.2f}; "
          f"goals p99 < 100 ms, <= 12 KiB per idle plain session")


if __name__ == "__main__":
    main()
