"""task bench (connections part): the server's memory per open connection, by what the connection has sent.

The real server (on DynamoDB Local) gets N connections (BENCH_CONNECTIONS, default 5,000) from 127.0.0.1 in
each state in turn, every other connection closed in between:
  idle         connected, nothing sent;
  mid-header   a request line and part of a header sent (64 bytes), the rest never comes;
  near-limit   12 KiB of header sent, below the 16 KiB header limit, the rest never comes.
Memory per connection is the growth of the server's VmRSS over N, once it has settled. Prints each, and the
ratios of the header states to idle (no absolute targets: a connection mid-header should cost about what its
bytes do, not a buffer per read).
"""
import os
import pathlib
import resource
import socket
import sys
import tempfile
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import DynamoDBLocal, Server, init_db, proc_status_kib  # noqa: E402

N = int(os.environ.get("BENCH_CONNECTIONS", "5000"))
STATES = [
    ("idle", b""),
    ("mid-header", b"GET /api/v10/users/@me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Part: aaaaaaaaaaaa"),
    ("near-limit", b"GET /api/v10/users/@me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Part: " + b"a" * (12 * 1024)),
]


def raise_open_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = N + 1024
    if hard != resource.RLIM_INFINITY and hard < want:
        raise SystemExit(f"the open-file limit ({hard}) is below {want}: raise it (ulimit -Hn) or lower "
                         "BENCH_CONNECTIONS")
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def settled_rss(pid, seconds=10):
    """VmRSS once three samples 200 ms apart agree within 1%, or after seconds."""
    last, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        last = (last + [proc_status_kib(pid)])[-3:]
        if len(last) == 3 and max(last) - min(last) <= max(last) / 100:
            break
        time.sleep(0.2)
    return last[-1]


def measure(srv, payload):
    before = settled_rss(srv.proc.pid)
    socks = []
    try:
        for _ in range(N):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
            if payload:
                s.sendall(payload)
            socks.append(s)
        time.sleep(0.5)
        after = settled_rss(srv.proc.pid)
        assert srv.proc.poll() is None, "the server exited"
        open_now = sum(1 for s in socks if not closed_by_peer(s))
    finally:
        for s in socks:
            s.close()
    time.sleep(1)
    return before, after, open_now


def closed_by_peer(s):
    s.setblocking(False)
    try:
        return s.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def main():
    raise_open_files()
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="sd-bench-conn-"))
    ddb = DynamoDBLocal(tmp).start()
    try:
        prefix = f"b{uuid.uuid4().hex[:8]}-"
        assert init_db(ddb.endpoint, prefix).returncode == 0
        # Caps above N and deadlines longer than the run, so that every connection is still there when measured.
        srv = Server(ddb.endpoint, prefix, tmp, LOG_LEVEL="warn", HTTP_MAX_CONNECTIONS=str(N * 2),
                     HTTP_MAX_CONNECTIONS_PER_ADDRESS=str(N * 2), HTTP_IDLE_TIMEOUT_MS="600000",
                     HTTP_HEADER_TIMEOUT_MS="600000", HTTP_REQUEST_TIMEOUT_MS="600000").start()
        try:
            per = {}
            for name, payload in STATES:
                before, after, open_now = measure(srv, payload)
                per[name] = (after - before) * 1024 / N
                print(f"connections {name:>10}: {N} open ({open_now} still open when measured), server RSS "
                      f"{before / 1024:.1f} -> {after / 1024:.1f} MiB, {per[name] / 1024:.2f} KiB per connection"
                      f" ({len(payload)} bytes sent each)")
            base = max(per["idle"], 1.0)
            for name, _ in STATES[1:]:
                print(f"connections ratio {name}/idle: {per[name] / base:.2f}")
        finally:
            srv.stop()
    finally:
        ddb.stop()


if __name__ == "__main__":
    main()
