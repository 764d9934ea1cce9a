"""The object store through the binary: init-db creates the media bucket (idempotently) in this run's SeaweedFS,
which checks SigV4, and says so loudly when the store refuses or is not there. Then the C client's own tests
(tests/integration/test_s3_live.c) against the same SeaweedFS."""
import collections
import http.client
import http.server
import os
import subprocess
import threading
import uuid

import pytest
import requests

from conftest import BINARY, assert_sanitizer_clean, bucket_for, free_port, init_db


def prefix():
    return f"s{uuid.uuid4().hex[:8]}-"


def bucket_exists(store, bucket):
    """HEAD the bucket with a real SigV4 signature (botocore's signer), as a stock client would."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    req = AWSRequest(method="HEAD", url=f"{store.endpoint}/{bucket}")
    S3SigV4Auth(Credentials("local", "local"), "s3", "us-east-1").add_auth(req)
    return requests.head(req.url, headers=dict(req.headers), timeout=10).status_code == 200


def test_init_db_creates_the_bucket_and_a_second_run_is_fine(dynamodb, seaweedfs):
    p = prefix()
    assert not bucket_exists(seaweedfs, bucket_for(p))
    r = init_db(dynamodb.endpoint, p)
    assert r.returncode == 0, r.stderr
    assert f"bucket {bucket_for(p)} ready" in r.stdout
    assert bucket_exists(seaweedfs, bucket_for(p))
    again = init_db(dynamodb.endpoint, p)
    assert again.returncode == 0, again.stderr
    assert f"bucket {bucket_for(p)} ready" in again.stdout
    assert_sanitizer_clean(r.stderr + again.stderr)


def test_a_wrong_secret_is_refused_and_init_db_says_so(dynamodb, seaweedfs):
    p = prefix()
    assert init_db(dynamodb.endpoint, p).returncode == 0  # the tables, with the right key
    r = init_db(dynamodb.endpoint, p, S3_BUCKET=bucket_for("other-" + p), AWS_SECRET_ACCESS_KEY="wrong")
    assert r.returncode != 0
    assert "refused the credentials" in r.stderr and "403" in r.stderr, r.stderr
    assert not bucket_exists(seaweedfs, bucket_for("other-" + p))


def test_a_store_that_is_not_there_fails_init_db_loudly(dynamodb):
    p = prefix()
    r = init_db(dynamodb.endpoint, p, S3_ENDPOINT=f"http://127.0.0.1:{free_port()}", S3_CALL_DEADLINE_MS=2000)
    assert r.returncode != 0
    assert "unreachable" in r.stderr, r.stderr


def test_serve_starts_when_the_store_is_down(dynamodb, make_server):
    srv = make_server(S3_ENDPOINT=f"http://127.0.0.1:{free_port()}")
    assert srv.get("/healthz").status_code == 200


class FlakyProxy(http.server.ThreadingHTTPServer):
    """Forwards to the store as it came (Host included, so signatures still hold), but answers 503 SlowDown to
    the first two tries of every request and 500 to every key under t/broken/."""

    daemon_threads = True

    def __init__(self, store_port):
        self.store_port = store_port
        self.tries = collections.Counter()
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), FlakyHandler)


class FlakyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_one(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.tries[(self.command, self.path)] += 1
            n = self.server.tries[(self.command, self.path)]
        if "/t/broken/" in self.path or n <= 2:
            status = 500 if "/t/broken/" in self.path else 503
            err = b"<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>"
            self.send_response(status)
            self.send_header("Content-Length", str(len(err)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(err)
            return
        conn = http.client.HTTPConnection("127.0.0.1", self.server.store_port, timeout=10)
        conn.request(self.command, self.path, body=body, headers=dict(self.headers))
        r = conn.getresponse()
        data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data) if self.command != "HEAD" else r.getheader("Content-Length") or 0))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = handle_one


@pytest.fixture
def flaky(seaweedfs):
    proxy = FlakyProxy(seaweedfs.port)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{proxy.server_address[1]}"
    proxy.shutdown()


@pytest.mark.parametrize("addressing", ["path-style", "virtual-hosted"])
def test_s3_client_against_seaweedfs(seaweedfs, flaky, addressing):
    binary = BINARY.parent / "s3_live_tests"
    virtual = addressing == "virtual-hosted"
    # curl resolves <bucket>.localhost to the loopback itself; SeaweedFS takes the bucket from the Host.
    endpoint = f"http://localhost:{seaweedfs.port}" if virtual else seaweedfs.endpoint
    env = dict(os.environ, SD_TEST_S3_ENDPOINT=endpoint, SD_TEST_S3_BUCKET=f"c{uuid.uuid4().hex[:10]}",
               SD_TEST_S3_VIRTUAL_HOSTED="1" if virtual else "0", SD_TEST_S3_FLAKY_ENDPOINT=flaky)
    r = subprocess.run([str(binary), "--jobs", "1", "--verbose"], env=env, capture_output=True, text=True, timeout=600)
    out = r.stdout + r.stderr
    assert_sanitizer_clean(out)
    assert r.returncode == 0, out[-4000:]
    assert "Failing: 0" in out and "Crashing: 0" in out, out[-2000:]
    assert "[SKIP]" not in out, out[-2000:]
