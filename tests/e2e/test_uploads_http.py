"""Upload bodies as the HTTP layer takes them: multipart/form-data on the routes that take files is spooled to a
file, not held in memory; its size is judged before it is read (413 / 40005, 100-continue only when it will be
read), a body that grows past the limit is cut off, and a slow one has the upload deadline (UPLOAD_TIMEOUT_MS)
instead of the request deadline. What the message routes then do with the files is tested with them."""
import json
import socket
import threading
import time

from conftest import proc_status_kib, read_until_closed

ROUTE = "/api/v10/channels/1/messages"
BOUNDARY = "sdtestboundary"
CTYPE = f"multipart/form-data; boundary={BOUNDARY}"


def status_of(resp):
    return int(resp.split(b" ", 2)[1])


def body_of(resp):
    return json.loads(resp.split(b"\r\n\r\n", 1)[1])


def head(length=None, chunked=False, expect=False, path=ROUTE, ctype=CTYPE):
    lines = [f"POST {path} HTTP/1.1", "Host: x", f"Content-Type: {ctype}"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    if expect:
        lines.append("Expect: 100-continue")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def file_body(size):
    start = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n{{}}\r\n"
             f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"a.bin\"\r\n"
             "Content-Type: application/octet-stream\r\n\r\n").encode()
    return start, size, f"\r\n--{BOUNDARY}--\r\n".encode()


def recv_head(s, timeout):
    """The first response head on s (up to its blank line)."""
    s.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        c = s.recv(65536)
        if not c:
            break
        data += c
    return data


def test_a_huge_content_length_is_refused_before_the_body(server):
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        t0 = time.monotonic()
        s.sendall(head(length=50 * 1024**3))
        resp = read_until_closed(s, timeout=5)
    assert time.monotonic() - t0 < 3
    assert status_of(resp) == 413
    assert body_of(resp)["code"] == 40005


def test_100_continue_only_for_a_body_that_will_be_read(server):
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(head(length=50 * 1024**3, expect=True))
        resp = read_until_closed(s, timeout=5)
    assert status_of(resp) == 413 and b"100 Continue" not in resp
    start, size, end = file_body(1000)
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(head(length=len(start) + size + len(end), expect=True))
        first = recv_head(s, 5)
        assert first.startswith(b"HTTP/1.1 100 Continue\r\n"), first
        s.sendall(start + b"x" * size + end)
        rest = first.split(b"\r\n\r\n", 1)[1] + recv_head(s, 10)
    # The whole body was taken; the route then answers (no token here: 401).
    assert status_of(rest) == 401, rest


def test_a_chunked_body_past_the_limit_is_cut_off(make_server):
    srv = make_server(UPLOAD_MAX_MESSAGE_BYTES=1 << 20, UPLOAD_MAX_FILE_BYTES=1 << 20)  # + 1 MiB of form
    chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
    with socket.create_connection(("127.0.0.1", srv.port)) as s:
        s.sendall(head(chunked=True))
        sent = 0
        try:
            while sent < 8 * 1024 * 1024:
                s.sendall(chunk)
                sent += 0x10000
        except OSError:
            pass
        resp = read_until_closed(s, timeout=10)
    assert status_of(resp) == 413 and body_of(resp)["code"] == 40005
    assert sent < 8 * 1024 * 1024 or b"Connection: close" in resp


def test_a_body_within_the_limit_but_not_json_sized_is_read(make_server):
    # 3 MiB is past HTTP_MAX_BODY_BYTES (1 MiB) but within the upload limit: it is read whole, not refused.
    srv = make_server()
    start, size, end = file_body(3 << 20)
    with socket.create_connection(("127.0.0.1", srv.port)) as s:
        s.sendall(head(length=len(start) + size + len(end)) + start + b"y" * size + end)
        resp = recv_head(s, 20)
    assert status_of(resp) == 401, resp[:200]
    # JSON routes keep their own limit.
    with socket.create_connection(("127.0.0.1", srv.port)) as s:
        s.sendall(head(length=3 << 20, path="/api/v10/auth/login"))
        resp = read_until_closed(s, timeout=5)
    assert status_of(resp) == 413


def test_a_slow_upload_has_the_upload_deadline(make_server):
    srv = make_server(HTTP_REQUEST_TIMEOUT_MS=1000, UPLOAD_TIMEOUT_MS=3000)
    start, size, end = file_body(20)
    # Slower than the request deadline, within the upload one: taken.
    with socket.create_connection(("127.0.0.1", srv.port)) as s:
        s.sendall(head(length=len(start) + size + len(end)) + start)
        for _ in range(4):
            time.sleep(0.4)
            s.sendall(b"z" * 5)
        s.sendall(end)
        resp = recv_head(s, 10)
    assert status_of(resp) == 401, resp[:200]
    # Past the upload deadline: 408.
    with socket.create_connection(("127.0.0.1", srv.port)) as s:
        t0 = time.monotonic()
        s.sendall(head(length=len(start) + size + len(end)) + start)
        resp = read_until_closed(s, timeout=10)
        elapsed = time.monotonic() - t0
    assert status_of(resp) == 408
    assert 2.5 < elapsed < 6


def test_a_25_mib_upload_does_not_grow_the_server(server):
    pid = server.proc.pid
    before = proc_status_kib(pid)
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], proc_status_kib(pid))
            time.sleep(0.01)

    t = threading.Thread(target=sample)
    t.start()
    start, size, end = file_body(25 << 20)
    piece = bytes(range(256)) * 256
    try:
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            s.sendall(head(length=len(start) + size + len(end)) + start)
            for _ in range(size // len(piece)):
                s.sendall(piece)
            s.sendall(end)
            resp = recv_head(s, 30)
    finally:
        done.set()
        t.join()
    assert status_of(resp) == 401, resp[:200]
    assert peak[0] - before < 8 * 1024, (before, peak[0])


def test_multipart_on_other_routes_keeps_the_json_limit(server):
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(head(length=64 << 20, path="/api/v10/guilds"))  # past even an image route's limit
        resp = read_until_closed(s, timeout=5)
    assert status_of(resp) == 413


def test_spooled_bodies_together_are_capped(make_server):
    # Each upload may hold 2 KiB (1 KiB of files + 1 KiB of form); all together 64 of them. Strangers holding
    # uploads open cannot make the server spool more: the next one is answered 503 before its body.
    srv = make_server(UPLOAD_MAX_MESSAGE_BYTES=1024, UPLOAD_MAX_FILE_BYTES=1024, HTTP_MAX_BODY_BYTES=1024)
    held = []
    try:
        for _ in range(64):
            s = socket.create_connection(("127.0.0.1", srv.port))
            s.sendall(head(length=2048) + b"x")
            held.append(s)
        time.sleep(0.3)
        with socket.create_connection(("127.0.0.1", srv.port)) as s:
            s.sendall(head(length=2048))
            resp = read_until_closed(s, timeout=5)
        assert status_of(resp) == 503 and b"Retry-After" in resp
    finally:
        for s in held:
            s.close()
    # Once they are gone, uploads are taken again.
    time.sleep(0.3)
    with socket.create_connection(("127.0.0.1", srv.port)) as s:
        s.sendall(head(length=2048) + b"y" * 2048)
        resp = recv_head(s, 10)
    assert status_of(resp) == 401, resp[:200]
