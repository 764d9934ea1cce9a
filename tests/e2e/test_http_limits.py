"""What a stranger controls before any token is checked: bytes, connections and seconds, each bounded."""
import json
import resource
import socket
import threading
import time

import requests

from conftest import hold_connections, proc_status_kib, read_until_closed, register
from gateway_helpers import Gateway


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks of 1/100 s


def status_of(resp):
    return int(resp.split(b" ", 2)[1])


def test_gateway_session_outlives_the_http_idle_timeout(make_server):
    # The HTTP idle timer stayed armed after the upgrade: every session was cut at HTTP_IDLE_TIMEOUT_MS.
    srv = make_server(HTTP_IDLE_TIMEOUT_MS=700, GATEWAY_HEARTBEAT_MS=400)
    token = register(srv)["token"]
    gw = Gateway(srv)
    gw.identify(token)
    acks = 0
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        msg = gw.recv(timeout=2)
        acks += msg.get("op") == 11
    gw.close()
    assert acks >= 6, acks


def test_one_byte_chunks_cost_linear_memory(server):
    # Every chunk used to copy the whole body so far into the request's arena: quadratic memory.
    pid = server.proc.pid
    before = proc_status_kib(pid)
    n = 200_000
    body = b"1\r\nx\r\n" * n + b"0\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(b"POST /api/v10/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n" + body)
        resp = read_until_closed(s, timeout=20)
    assert status_of(resp) == 400 and b"50109" in resp  # the 200,000 bytes arrived whole; they are not JSON
    assert proc_status_kib(pid) - before < 64 * 1024


def test_chunked_body_over_the_limit_is_refused_as_it_passes_it(server):
    chunk = b"4000\r\n" + b"x" * 0x4000 + b"\r\n"
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(b"POST /api/v10/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        sent = 0
        try:
            while sent < 4 * 1024 * 1024:
                s.sendall(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        resp = read_until_closed(s)
    assert status_of(resp) == 413 and b"40005" in resp


def test_request_line_and_header_block_limits(server):
    def ask(data):
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            s.sendall(data)
            return read_until_closed(s)

    assert status_of(ask(b"GET /" + b"a" * (16 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n")) == 414
    assert status_of(ask(b"GET /" + b"a" * (9 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n")) == 414
    assert status_of(ask(b"GET /healthz?" + b"a" * (7 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n")) == 200
    headers = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 1000) for i in range(20))
    assert status_of(ask(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")) == 431
    too_many = b"".join(b"X-%d: v\r\n" % i for i in range(80))
    assert status_of(ask(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + too_many + b"\r\n")) == 431


def test_trickled_headers_meet_one_deadline(make_server):
    # Each byte used to re-arm the request timer, so a byte every few seconds held the connection forever.
    srv = make_server(HTTP_HEADER_TIMEOUT_MS=1000)
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nX-Slow: ")
        got = b""
        s.settimeout(0.1)
        while time.monotonic() - start < 6:
            try:
                s.sendall(b"a")
                c = s.recv(65536)
                if not c:
                    break
                got += c
            except socket.timeout:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
    assert got.startswith(b"HTTP/1.1 408"), got
    assert time.monotonic() - start < 3


def test_trickled_headers_keep_memory_bounded(make_server):
    # A header value growing by a few bytes a read used to be copied whole into the arena at every read.
    srv = make_server(HTTP_HEADER_TIMEOUT_MS=60000, HTTP_REQUEST_TIMEOUT_MS=60000, HTTP_MAX_CONNECTIONS_PER_ADDRESS=0)
    pid = srv.proc.pid
    before = proc_status_kib(pid)
    socks = []
    for _ in range(40):
        s = socket.create_connection(("127.0.0.1", srv.port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(b"GET /healthz HTTP/1.1\r\nX-Long: ")
        socks.append(s)
    for _ in range(4000):  # each connection's one header value grows to 8 KB, two bytes a write
        for s in socks:
            s.send(b"ab")
        time.sleep(0.0005)
    time.sleep(0.3)
    grown = proc_status_kib(pid) - before
    for s in socks:
        s.sendall(b"\r\nConnection: close\r\n\r\n")
    for s in socks:
        assert status_of(read_until_closed(s)) == 200
        s.close()
    assert grown < 16 * 1024, f"{grown} KiB for 40 connections"


def test_connection_caps_refuse_politely(make_server):
    srv = make_server(HTTP_MAX_CONNECTIONS_PER_ADDRESS=5)
    held = hold_connections(srv, 5)
    with socket.create_connection(("127.0.0.1", srv.port)) as extra:
        resp = read_until_closed(extra)
    assert status_of(resp) == 503 and b"Retry-After: 1" in resp
    assert json.loads(resp.split(b"\r\n\r\n", 1)[1])["code"] == 0
    with socket.create_connection(("127.0.0.1", srv.port)) as extra:  # counted for the operator
        assert status_of(read_until_closed(extra)) == 503
    held.pop().close()
    time.sleep(0.2)
    metrics = {line.split()[0]: float(line.split()[1]) for line in srv.get("/metrics").text.splitlines()
               if line.startswith("sd_http_connections")}
    assert metrics["sd_http_connections_refused"] >= 2 and metrics["sd_http_connections"] == 5, metrics
    held.pop().close()
    time.sleep(0.2)
    with socket.create_connection(("127.0.0.1", srv.port)) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert status_of(read_until_closed(s)) == 200
    for s in held:
        s.close()


def test_total_connection_cap(make_server):
    srv = make_server(HTTP_MAX_CONNECTIONS=4, HTTP_MAX_CONNECTIONS_PER_ADDRESS=0)
    held = hold_connections(srv, 4)
    with socket.create_connection(("127.0.0.1", srv.port)) as extra:
        assert status_of(read_until_closed(extra)) == 503
    for s in held:
        s.close()
    time.sleep(0.2)
    assert srv.get("/healthz").status_code == 200


def test_trusted_proxy_is_not_capped_per_address(make_server):
    srv = make_server(HTTP_MAX_CONNECTIONS_PER_ADDRESS=2, TRUSTED_PROXIES="127.0.0.1")
    held = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(5)]
    time.sleep(0.2)
    s = held[-1]
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status_of(read_until_closed(s)) == 200
    for s in held:
        s.close()


def test_running_out_of_descriptors_neither_spins_nor_stops_the_listener(make_server):
    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (96, 96))

    srv = make_server(HTTP_MAX_CONNECTIONS_PER_ADDRESS=0, preexec_fn=low_limit)
    pid = srv.proc.pid
    held = []
    for _ in range(140):  # more than the process may open
        try:
            held.append(socket.create_connection(("127.0.0.1", srv.port), timeout=2))
        except OSError:
            break
    time.sleep(0.5)
    cpu = cpu_seconds(pid)
    time.sleep(2)
    spent = cpu_seconds(pid) - cpu
    for s in held:
        s.close()
    assert spent < 0.5, f"{spent} s of CPU in 2 s while out of descriptors"
    deadline = time.monotonic() + 10
    while True:
        try:
            if srv.get("/healthz").status_code == 200:
                break
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, "the listener stopped"
        time.sleep(0.2)


def silent_listener():
    """A port that accepts connections and never answers: a DynamoDB that hangs."""
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(64)
    conns = []

    def run():
        while True:
            try:
                conns.append(lst.accept()[0])
            except OSError:
                return

    threading.Thread(target=run, daemon=True).start()
    return lst, conns


def test_a_request_gets_503_at_its_deadline(make_server):
    # A DynamoDB that never answers held GET /healthz for 6 attempts of 10 s.
    lst, _ = silent_listener()
    try:
        srv = make_server(endpoint=f"http://127.0.0.1:{lst.getsockname()[1]}", prefix="none-",
                          wait_healthy=False, HTTP_RESPONSE_TIMEOUT_MS=800)
        start = time.monotonic()
        r = srv.get("/healthz")
        assert r.status_code == 503 and r.json() == {"code": 0, "message": "503: Service Unavailable"}
        assert r.headers["Retry-After"] == "1"
        assert time.monotonic() - start < 3
    finally:
        lst.close()


def test_headers_read_right_when_their_block_grows(server):
    # The header block starts at 1 KiB and doubles: a header arriving in two reads across a move, and the headers
    # before it, must read right afterwards.
    token = register(server)["token"].encode()
    start = b"GET /api/v10/users/@me HTTP/1.1\r\nHost: x\r\nX-Pad: "
    start += b"p" * (990 - len(start)) + b"\r\nAuthorization: " + token[:8]
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(start)
        time.sleep(0.2)  # a read of its own: the block moves while the token is half in
        s.sendall(token[8:] + b"\r\n" + b"".join(b"X-More-%d: %s\r\n" % (i, b"m" * 300) for i in range(20)) +
                  b"Connection: close\r\n\r\n")
        resp = read_until_closed(s)
    assert status_of(resp) == 200, resp[:300]
    assert json.loads(resp.split(b"\r\n\r\n", 1)[1])["username"]
