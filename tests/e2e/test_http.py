"""The HTTP layer of the real server: errors in Discord's shape, limits, keep-alive, timeouts, logs, shutdown."""
import json
import signal
import socket
import subprocess
import threading
import time

import pytest
import requests

from conftest import BINARY, ROOT, base_env, free_port, read_until_closed, register


def raw(server, data, timeout=10):
    """Sends raw bytes and returns everything received until the server closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        s.sendall(data)
        return read_until_closed(s, timeout)


def status_of(resp):
    return int(resp.split(b" ", 2)[1])


def body_of(resp):
    return json.loads(resp.split(b"\r\n\r\n", 1)[1])


def test_healthz(server):
    r = server.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_healthz_reports_unreachable_dynamodb(make_server):
    srv = make_server(endpoint=f"http://127.0.0.1:{free_port()}", prefix="none-", wait_healthy=False)
    r = srv.get("/healthz")
    assert r.status_code == 503 and r.json()["status"] == "unavailable"


def test_requests_fail_cleanly_when_dynamodb_is_unreachable(make_server):
    srv = make_server(endpoint=f"http://127.0.0.1:{free_port()}", prefix="none-", wait_healthy=False)
    r = srv.post("/api/v10/auth/register", json={"username": "someone", "password": "password1"})
    assert r.status_code == 503
    assert r.json() == {"code": 0, "message": "503: Service Unavailable"}


def test_unknown_route_and_wrong_method(server):
    r = server.get("/api/v10/no/such/thing")
    assert r.status_code == 404 and r.json() == {"code": 0, "message": "404: Not Found"}
    assert r.headers["Content-Type"] == "application/json"
    r = requests.delete(server.url("/api/v10/auth/login"), timeout=10)
    assert r.status_code == 405 and r.json() == {"code": 0, "message": "405: Method Not Allowed"}


@pytest.mark.parametrize("data", [b"{", b"not json", b"", b'{"a":1,"a":2}', b"\xff\xfe"])
def test_malformed_json(server, data):
    r = server.post("/api/v10/auth/register", data=data, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json() == {"code": 50109, "message": "The request body contains invalid JSON."}


@pytest.mark.parametrize("data", [b"[]", b"42", b'"text"', b"null"])
def test_json_that_is_not_an_object(server, data):
    r = server.post("/api/v10/auth/register", data=data)
    assert r.status_code == 400 and r.json()["code"] == 50035


def test_body_over_one_mebibyte(server):
    big = b'{"username":"' + b"x" * (1024 * 1024) + b'"}'
    resp = raw(server, b"POST /api/v10/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % len(big) + big)
    assert status_of(resp) == 413
    assert body_of(resp)["code"] == 40005


def test_chunked_body_over_one_mebibyte(server):
    chunk = b"x" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(17)) + b"0\r\n\r\n"
    resp = raw(server, b"POST /api/v10/auth/register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
    assert status_of(resp) == 413


def test_huge_headers(server):
    resp = raw(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
    assert status_of(resp) == 431
    resp = raw(server, b"GET /healthz HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(100)) + b"\r\n")
    assert status_of(resp) == 431


def test_garbage_request(server):
    resp = raw(server, b"\x00\x01\x02 nonsense\r\n\r\n")
    assert status_of(resp) == 400


def test_keep_alive_and_pipelining(server):
    req = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    last = b"GET /api/v10/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    resp = raw(server, req * 3 + last)
    assert resp.count(b"HTTP/1.1 200 OK") == 3
    assert resp.rfind(b"HTTP/1.1 404") > resp.rfind(b"HTTP/1.1 200"), "answers come in request order"
    with requests.Session() as s:
        for _ in range(5):
            assert s.get(server.url("/healthz"), timeout=10).status_code == 200


def test_request_id_and_log_line(server):
    r = server.get("/api/v10/nothing-here")
    rid = r.headers["X-Request-Id"]
    assert len(rid) == 16
    time.sleep(0.2)
    lines = [json.loads(line) for line in server.log_text().splitlines() if line.startswith("{")]
    mine = [x for x in lines if x.get("request_id") == rid]
    assert len(mine) == 1
    entry = mine[0]
    assert entry["method"] == "GET" and entry["path"] == "/api/v10/nothing-here" and entry["status"] == 404
    assert entry["duration_ms"] >= 0 and entry["level"] == "info"


def test_slow_request_gets_408(make_server):
    srv = make_server(HTTP_REQUEST_TIMEOUT_MS=500)
    start = time.monotonic()
    resp = raw(srv, b"GET /healthz HTTP/1.1\r\nHost: x\r\n", timeout=10)
    assert status_of(resp) == 408
    assert time.monotonic() - start < 5


def test_idle_connection_is_closed(make_server):
    srv = make_server(HTTP_IDLE_TIMEOUT_MS=300)
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        start = time.monotonic()
        while True:
            c = s.recv(65536)
            if not c:
                break
            data += c
        assert b"200 OK" in data
        assert time.monotonic() - start < 4


def test_client_hanging_up_mid_request_does_not_hurt(server):
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            s.sendall(b'POST /api/v10/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 60\r\n\r\n{"login":"x","pa')
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(b'POST /api/v10/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 44\r\n\r\n'
                  b'{"login":"nobody_here","password":"whatever"}'[:44])
    assert server.get("/healthz").status_code == 200


def test_graceful_shutdown_finishes_in_flight_requests(make_server):
    srv = make_server()
    u = register(srv)
    results = []

    def login():
        results.append(srv.post("/api/v10/auth/login", json={"login": u["username"], "password": u["password"]}))

    threads = [threading.Thread(target=login) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.05)  # the argon2 checks are under way
    srv.proc.send_signal(signal.SIGTERM)
    for t in threads:
        t.join()
    srv.proc.wait(20)
    srv.stop()  # asserts exit code 0 and a clean sanitizer log
    assert [r.status_code for r in results] == [200] * 4
    with pytest.raises(requests.ConnectionError):
        requests.get(srv.url("/healthz"), timeout=2)


def test_sigint_also_stops_cleanly(make_server):
    srv = make_server()
    srv.stop(sig=signal.SIGINT)


@pytest.mark.parametrize("env,name", [
    ({"PORT": "eighty"}, "PORT"), ({"PORT": "70000"}, "PORT"), ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
    ({"TOKEN_SECRET": "short"}, "TOKEN_SECRET"), ({"DYNAMODB_ENDPOINT": "ftp://x"}, "DYNAMODB_ENDPOINT"),
    ({"WORKER_ID": "5000"}, "WORKER_ID"), ({"TABLE_PREFIX": "bad prefix"}, "TABLE_PREFIX"),
])
def test_invalid_configuration_stops_start_up(env, name):
    r = subprocess.run([str(BINARY), "--env-file", "/dev/null", "serve"], env=base_env("http://127.0.0.1:1", "x-", **env),
                       cwd=ROOT, capture_output=True, text=True, timeout=20)
    assert r.returncode != 0
    assert name in r.stderr


def test_env_file_is_read(tmp_path):
    env_file = tmp_path / "settings.env"
    env_file.write_text("# comment\nLOG_LEVEL=chatty\n")
    env = base_env("http://127.0.0.1:1", "x-")
    env.pop("LOG_LEVEL")
    r = subprocess.run([str(BINARY), "--env-file", str(env_file), "serve"], env=env, cwd=ROOT,
                       capture_output=True, text=True, timeout=20)
    assert r.returncode != 0 and "LOG_LEVEL" in r.stderr


def test_cli_help_and_unknown_command():
    r = subprocess.run([str(BINARY), "--help"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and "serve" in r.stdout and "init-db" in r.stdout
    r = subprocess.run([str(BINARY), "frobnicate"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 2 and "unknown command" in r.stderr


def test_content_length_with_chunked_is_refused(server):
    resp = raw(server, b"POST /api/v10/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    assert status_of(resp) == 400


def test_body_shorter_than_content_length_times_out(make_server):
    srv = make_server(HTTP_REQUEST_TIMEOUT_MS=500)
    resp = raw(srv, b"POST /api/v10/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"login\":", timeout=10)
    assert status_of(resp) == 408


def test_expect_100_continue(server):
    body = json.dumps({"login": "nobody_anywhere", "password": "whatever-pass"}).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /api/v10/auth/login HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body))
        assert s.recv(100).startswith(b"HTTP/1.1 100 Continue")
        s.sendall(body)
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(65536)
        assert status_of(data) == 400
