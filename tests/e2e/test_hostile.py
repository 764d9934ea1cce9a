"""Hostile traffic against the real server, one pattern per test: a chunked body of 1-byte chunks, header bytes
trickled on many connections (and huge header blocks sent fast), thousands of idle sockets, a connection flood
past the per-address cap, and oversized or endlessly fragmented WebSocket frames on /gateway. During each
attack the server's memory (VmRSS sampled from /proc, VmHWM for the peak) stays under MEMORY_BOUND_MIB while a
well-behaved client keeps getting answers (p99 under a second, no errors); afterwards the server has closed
every hostile connection within its deadlines. Each test prints its peak and p99 (pytest -s) and records them in
tests/artifacts/hostile.json.

MEMORY_BOUND_MIB: the server at rest holds a few tens of MiB (DynamoDB client, libuv, caches). Its limits let an
attacker pin at most a 1 MiB JSON body per request, a 16 KiB header block per connection and a 4 KiB frame per
WebSocket: 3,000 connections each holding a whole header block would be 47 MiB. 200 MiB leaves room for that,
the allocator's slack and the healthy client's own work, and is still an order of magnitude below what the
patterns cost a server that does not bound them (one chunked request of 1-byte chunks grew it to 1.8 GB).
A server past KILL_AT_MIB is killed at once, so that an unbounded one fails the test without starving the
machine."""
import base64
import json
import os
import pathlib
import resource
import selectors
import socket
import struct
import threading
import time

import requests

from conftest import ROOT, hold_connections, proc_status_kib
from guild_helpers import general, make_guild, new_client, ok

MEMORY_BOUND_MIB = 200
KILL_AT_MIB = 1024
P99_BOUND_S = 1.0
ARTIFACT = ROOT / "tests" / "artifacts" / "hostile.json"
# An ASan build keeps 256 MiB of freed memory in quarantine by default, which is no growth of the server's own.
ASAN = {"ASAN_OPTIONS": ":".join(filter(None, [os.environ.get("ASAN_OPTIONS", ""), "quarantine_size_mb=16"]))}


def raise_open_files(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Background:
    """A daemon thread running self._run, started by `with` and stopped (self.stopped) when it ends."""

    def __enter__(self):
        self.thread.start()
        return self


class Memory(Background):
    """Samples the server's VmRSS every 20 ms while an attack runs; kills it past KILL_AT_MIB."""

    def __init__(self, server):
        self.server, self.pid = server, server.proc.pid
        # VmHWM is the peak since the process started (the healthy client's registration hashes its password in
        # 64 MiB, say): writing 5 to clear_refs starts it again from now.
        pathlib.Path(f"/proc/{self.pid}/clear_refs").write_text("5")
        self.before_mib = proc_status_kib(self.pid, "VmRSS") / 1024
        self.peak_mib = self.before_mib
        self.killed = False
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stopped.wait(0.02):
            try:
                rss = proc_status_kib(self.pid, "VmRSS") / 1024
            except (OSError, AssertionError):
                return
            self.peak_mib = max(self.peak_mib, rss)
            if rss > KILL_AT_MIB:
                self.killed = True
                self.server.proc.kill()
                return


    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(5)
        if not self.killed and self.server.proc.poll() is None:
            self.peak_mib = max(self.peak_mib, proc_status_kib(self.pid, "VmHWM") / 1024)

    def check(self):
        assert not self.killed, f"the server grew past {KILL_AT_MIB} MiB and was killed"
        assert self.server.proc.poll() is None, f"the server died:\n{self.server.log_text()[-3000:]}"
        assert self.peak_mib < MEMORY_BOUND_MIB, (
            f"peak RSS {self.peak_mib:.0f} MiB (before the attack {self.before_mib:.0f} MiB)")


class Healthy(Background):
    """A well-behaved user in a thread: GET /users/@me and a small message, in turn, until stopped."""

    def __init__(self, server, max_requests=20000, max_seconds=120):
        owner = new_client(server, "healthy")
        channel = general(owner, make_guild(owner)["id"])
        self.base, self.token, self.channel = server.url("/api/v10"), owner.token, channel["id"]
        self.max_requests, self.max_seconds = max_requests, max_seconds
        self.latencies, self.errors = [], []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        session = requests.Session()
        session.headers["Authorization"] = self.token
        deadline = time.monotonic() + self.max_seconds
        for i in range(self.max_requests):
            if self.stopped.is_set() or time.monotonic() > deadline:
                break
            started = time.monotonic()
            try:
                if i % 2:
                    r = session.post(f"{self.base}/channels/{self.channel}/messages", json={"content": f"m{i}"},
                                     timeout=10)
                else:
                    r = session.get(f"{self.base}/users/@me", timeout=10)
                if r.status_code != 200:
                    self.errors.append(f"{r.request.method} {r.status_code} {r.text[:200]}")
            except requests.RequestException as e:
                self.errors.append(repr(e))
            self.latencies.append(time.monotonic() - started)
            time.sleep(0.01)


    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(15)

    def p99(self):
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("inf")

    def check(self):
        assert len(self.latencies) >= 20, f"the healthy client made only {len(self.latencies)} requests"
        assert not self.errors, f"{len(self.errors)} errors, first: {self.errors[:3]}"
        assert self.p99() < P99_BOUND_S, f"healthy p99 {self.p99():.3f} s"


def record(pattern, memory, healthy, **extra):
    entry = {"peak_rss_mib": round(memory.peak_mib, 1), "rss_before_mib": round(memory.before_mib, 1),
             "healthy_p99_ms": round(healthy.p99() * 1000, 1), "healthy_requests": len(healthy.latencies),
             "healthy_errors": len(healthy.errors), "server_killed": memory.killed, **extra}
    print(f"\nhostile {pattern}: peak RSS {entry['peak_rss_mib']} MiB (before {entry['rss_before_mib']} MiB), "
          f"healthy p99 {entry['healthy_p99_ms']} ms over {entry['healthy_requests']} requests, "
          f"{entry['healthy_errors']} errors {extra or ''}")
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(ARTIFACT.read_text())
    except (OSError, ValueError):
        data = {}
    data[pattern] = entry
    ARTIFACT.write_text(json.dumps(data, indent=2) + "\n")


def connect(server, timeout=5):
    s = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_answer(sock, timeout=10):
    """What the server sends until it closes (or timeout), as bytes."""
    sock.settimeout(timeout)
    got = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(got) < 1 << 20:
        try:
            part = sock.recv(65536)
        except socket.timeout:
            break
        except OSError:
            break
        if not part:
            break
        got += part
        if b"\r\n\r\n" in got and b"Connection: close" not in got and b"connection: close" not in got:
            head, _, rest = got.partition(b"\r\n\r\n")
            length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
            if length and len(rest) >= length[0]:
                break
    return got


def watch_closed(socks, started, until):
    """Waits (until a monotonic deadline) for the server to close each socket; returns each one's close time
    after started, None where it stayed open. Whatever the server sends before closing is read and dropped."""
    sel = selectors.DefaultSelector()
    closed = {}
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    while len(closed) < len(socks) and time.monotonic() < until:
        for key, _ in sel.select(timeout=min(0.2, max(0.0, until - time.monotonic()))):
            try:
                data = key.fileobj.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                closed[key.fileobj] = time.monotonic() - started
                sel.unregister(key.fileobj)
    sel.close()
    return [closed.get(s) for s in socks]


def close_all(socks):
    for s in socks:
        try:
            s.close()
        except OSError:
            pass


def test_a_chunked_body_of_one_byte_chunks_is_refused_with_413_in_bounded_memory(make_server):
    server = make_server(**ASAN)
    healthy_ready = Healthy(server)
    token = healthy_ready.token
    head = (f"POST /api/v10/channels/{healthy_ready.channel}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: {token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"1\r\nx\r\n"
    total_chunks = 1_200_000  # 7.2 MB of framing for a 1.2 MB body: past the 1 MiB limit
    batch = chunk * 10_000
    sent_chunks, answer = 0, b""
    with Memory(server) as memory, healthy_ready as healthy:
        sock = connect(server, timeout=10)
        try:
            sock.sendall(head.encode())
            deadline = time.monotonic() + 60
            while sent_chunks < total_chunks and time.monotonic() < deadline and not memory.killed:
                try:
                    sock.sendall(batch)
                except OSError:
                    break  # the server answered and stopped reading
                sent_chunks += 10_000
            if sent_chunks >= total_chunks:
                sock.sendall(b"0\r\n\r\n")
            answer = read_answer(sock, timeout=10)
        except OSError:
            pass
        finally:
            sock.close()
        time.sleep(1)  # the healthy client keeps going once the attack is over
    record("one_byte_chunks", memory, healthy, chunks_sent=sent_chunks, answer=answer[:12].decode(errors="replace"))
    memory.check()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b'"code"' in answer and b'"message"' in answer, answer[:300]
    healthy.check()


def test_trickled_headers_meet_one_deadline_and_huge_header_blocks_are_refused(make_server):
    header_timeout_ms = 2000
    server = make_server(HTTP_HEADER_TIMEOUT_MS=header_timeout_ms, **ASAN)
    raise_open_files(4096)
    trickle = b"GET /api/v10/users/@me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100_000
    huge_headers = b"GET /api/v10/users/@me HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"b" * 64 * 1024 + b"\r\n\r\n"
    huge_line = b"GET /api/v10/users/@me?q=" + b"c" * 32 * 1024 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    healthy_ready = Healthy(server)
    socks, fast_answers = [], []
    with Memory(server) as memory, healthy_ready as healthy:
        try:
            for _ in range(200):
                socks.append(connect(server))
            started = time.monotonic()
            for s in socks:
                s.setblocking(False)
            # A byte every 100 ms on each, for the deadline and 3 s more: the server must close each in time.
            open_socks, closed_at = set(socks), {}
            sel = selectors.DefaultSelector()
            for s in socks:
                sel.register(s, selectors.EVENT_READ)
            fast_done = False
            for step in range(len(trickle)):
                now = time.monotonic()
                if not open_socks or now - started > header_timeout_ms / 1000 + 3:
                    break
                for s in list(open_socks):
                    try:
                        s.send(trickle[step:step + 1])
                    except (BlockingIOError, InterruptedError):
                        pass
                    except OSError:
                        open_socks.discard(s)
                        closed_at[s] = now - started
                for key, _ in sel.select(timeout=0):
                    try:
                        data = key.fileobj.recv(65536)
                    except BlockingIOError:
                        continue
                    except OSError:
                        data = b""
                    if not data and key.fileobj in open_socks:
                        open_socks.discard(key.fileobj)
                        closed_at[key.fileobj] = time.monotonic() - started
                        sel.unregister(key.fileobj)
                if not fast_done and step == 5:  # while the trickle runs, a few send huge blocks fast
                    fast_done = True
                    for payload in (huge_headers, huge_headers, huge_headers, huge_line, huge_line):
                        f = connect(server)
                        try:
                            f.sendall(payload)
                        except OSError:
                            pass
                        fast_answers.append(read_answer(f, timeout=5))
                        f.close()
                time.sleep(0.1)
            sel.close()
        finally:
            close_all(socks)
        time.sleep(1)
    late = [t for t in closed_at.values() if t > header_timeout_ms / 1000 + 1.5]
    record("header_trickle", memory, healthy, trickling=len(socks), closed_by_server=len(closed_at),
           slowest_close_s=round(max(closed_at.values(), default=-1), 2),
           fast_answers=[a[:12].decode(errors="replace") for a in fast_answers])
    memory.check()
    assert [a[:12] for a in fast_answers[:3]] == [b"HTTP/1.1 431"] * 3, [a[:100] for a in fast_answers]
    assert [a[:12] for a in fast_answers[3:]] == [b"HTTP/1.1 414"] * 2, [a[:100] for a in fast_answers]
    assert len(closed_at) == len(socks), (
        f"{len(socks) - len(closed_at)} of {len(socks)} trickling connections still open "
        f"{header_timeout_ms / 1000 + 3:.0f} s after they started (header deadline {header_timeout_ms} ms)")
    assert not late, f"{len(late)} closed later than the header deadline allows: {sorted(late)[-3:]}"
    healthy.check()


def test_thousands_of_idle_sockets_cost_little_and_are_closed_by_the_idle_timeout(make_server):
    n = 3000
    assert raise_open_files(n + 1000) >= n + 200, "the open-file limit is too low for this test"
    idle_ms, header_ms = 3000, 3000
    server = make_server(HTTP_IDLE_TIMEOUT_MS=idle_ms, HTTP_HEADER_TIMEOUT_MS=header_ms,
                         HTTP_MAX_CONNECTIONS_PER_ADDRESS=5000, **ASAN)
    healthy_ready = Healthy(server)
    socks = []
    with Memory(server) as memory, healthy_ready as healthy:
        try:
            started = time.monotonic()
            for _ in range(n):
                socks.append(connect(server))
            opened = time.monotonic() - started
            closed = watch_closed(socks, started, started + opened + max(idle_ms, header_ms) / 1000 + 4)
        finally:
            close_all(socks)
        time.sleep(1)
    still_open = sum(1 for t in closed if t is None)
    record("idle_sockets", memory, healthy, sockets=n, open_seconds=round(opened, 2), still_open=still_open,
           slowest_close_s=round(max((t for t in closed if t is not None), default=-1), 2))
    memory.check()
    assert still_open == 0, f"{still_open} of {n} idle sockets still open after the idle timeout ({idle_ms} ms)"
    healthy.check()


def test_connections_past_the_per_address_cap_are_refused_with_503(make_server):
    cap = 50
    server = make_server(HTTP_MAX_CONNECTIONS_PER_ADDRESS=cap, HTTP_IDLE_TIMEOUT_MS=20000, **ASAN)
    socks = []
    try:
        held = hold_connections(server, cap)
        socks += held
        extra = [connect(server) for _ in range(10)]
        socks += extra
        answers = [read_answer(s, timeout=2) for s in extra]
        assert all(a.startswith(b"HTTP/1.1 503") for a in answers), [a[:100] for a in answers]
        # Each refused connection was closed after its answer: read_answer saw the end, not its timeout.
        for s in extra:
            s.settimeout(1)
            try:
                assert s.recv(1) == b""
            except ConnectionResetError:
                pass  # a reset is a close too
        # Once a held connection goes, a new one is served again.
        held[0].close()
        time.sleep(0.3)
        again = connect(server)
        socks.append(again)
        again.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_answer(again).startswith(b"HTTP/1.1 200")
    finally:
        close_all(socks)


def ws_frame(opcode, payload, fin=True, length=None, mask=None):
    """A masked client frame; length overrides the length field (for a frame whose payload is streamed), and a
    zero mask leaves streamed bytes as they are."""
    n = len(payload) if length is None else length
    head = bytes([(0x80 if fin else 0) | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 1 << 16:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    mask = os.urandom(4) if mask is None else mask
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def ws_upgrade(server):
    s = connect(server, timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /gateway?v=10&encoding=json HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    got = b""
    while b"\r\n\r\n" not in got:
        part = s.recv(4096)
        assert part, "the server closed the upgrade"
        got += part
    assert got.startswith(b"HTTP/1.1 101"), got[:200]
    return s, got.partition(b"\r\n\r\n")[2]


def ws_close_code(data):
    """The code of the first close frame in data (server frames are unmasked), or None."""
    i = 0
    while i + 2 <= len(data):
        op, n = data[i] & 0x0F, data[i + 1] & 0x7F
        i += 2
        if n == 126:
            n, i = struct.unpack("!H", data[i:i + 2])[0], i + 2
        elif n == 127:
            n, i = struct.unpack("!Q", data[i:i + 8])[0], i + 8
        if op == 0x8:
            return struct.unpack("!H", data[i:i + 2])[0] if n >= 2 and i + 2 <= len(data) else None
        i += n
    return None


def ws_read_close(sock, data, timeout):
    """Reads the server's frames until its close frame (or its hang-up, or timeout); returns the close code."""
    sock.settimeout(timeout)
    deadline = time.monotonic() + timeout
    while ws_close_code(data) is None and time.monotonic() < deadline and len(data) < 1 << 20:
        try:
            part = sock.recv(65536)
        except OSError:
            break
        if not part:
            break
        data += part
    return ws_close_code(data)


def test_oversized_websocket_frames_and_fragment_floods_are_closed_with_4002(make_server):
    server = make_server(**ASAN)
    healthy_ready = Healthy(server)
    oversized, fragmented = [], []
    codes = {}
    zero = bytes(4)
    block = b"a" * (64 * 1024)
    continuation = ws_frame(0x0, block, fin=False, mask=zero)
    with Memory(server) as memory, healthy_ready as healthy:
        try:
            for _ in range(10):
                oversized.append(ws_upgrade(server))
                fragmented.append(ws_upgrade(server))
            # Each oversized socket announces a 64 MiB text frame and streams up to 16 MiB of it; each fragmented
            # one opens a message and sends up to 256 continuation fragments of 64 KiB that never finish it.
            for s, _ in oversized:
                s.sendall(ws_frame(0x1, b"", length=64 << 20, mask=zero) + b'{"op":1,"d":"')
            for s, _ in fragmented:
                s.sendall(ws_frame(0x1, b'{"op":1,"d":"', fin=False, mask=zero))
            kinds = [(s, block) for s, _ in oversized] + [(s, continuation) for s, _ in fragmented]
            deadline = time.monotonic() + 60
            for _ in range(256):
                if not kinds or time.monotonic() > deadline or memory.killed:
                    break
                for pair in list(kinds):
                    try:
                        pair[0].sendall(pair[1])
                    except OSError:
                        kinds.remove(pair)  # the server closed it (or stopped reading for the 10 s timeout)
            for s, early in oversized + fragmented:
                codes[id(s)] = ws_read_close(s, early, timeout=5)
        finally:
            close_all([s for s, _ in oversized + fragmented])
        time.sleep(1)
    got = [codes.get(id(s)) for s, _ in oversized + fragmented]
    record("websocket_frames", memory, healthy, connections=len(got), close_codes=sorted(set(map(str, got))))
    memory.check()
    assert got == [4002] * len(got), got
    healthy.check()
