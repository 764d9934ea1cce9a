"""Every DynamoDB request the server and init-db send is signed as it is sent: a recorder between them and
DynamoDB Local captures each request exactly as it arrives and checks its Authorization against botocore's SigV4
signer (same credentials, region and X-Amz-Date), then forwards it. libcurl 7.88 signs an "expect" header that it
does not send, and adds "Expect: 100-continue" to bodies over 1 MiB: real DynamoDB refuses both."""
import http.client
import os
import re
import subprocess
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import BINARY, assert_sanitizer_clean, init_db
from guild_helpers import general, make_guild, new_client, ok

REGION = "eu-west-3"
KEY_ID, SECRET, TOKEN = "AKIDSIGV4TEST", "sigv4/test+secret=key", "session-token-for-the-sigv4-test"
CREDS = {"AWS_REGION": REGION, "AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET,
         "AWS_SESSION_TOKEN": TOKEN,
         # SeaweedFS takes no session token it did not issue: the store signs with a key pair of its own
         "S3_ACCESS_KEY_ID": "local", "S3_SECRET_ACCESS_KEY": "local"}
AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                  r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$")


def problems_of(method, path, headers, body):
    """What is wrong with one captured request's signature (empty: botocore computes the same)."""
    lower = {}
    for name, value in headers:
        lower.setdefault(name.lower(), []).append(value)
    found = []
    if "expect" in lower:
        found.append(f"sent Expect: {lower['expect']}")
    m = AUTH.match((lower.get("authorization") or [""])[0])
    if not m:
        return found + [f"no SigV4 Authorization: {lower.get('authorization')}"]
    key_id, day, region, service, signed, signature = m.groups()
    date = (lower.get("x-amz-date") or [""])[0]
    if (key_id, region, service) != (KEY_ID, REGION, "dynamodb") or day != date[:8]:
        found.append(f"credential scope {m.group(0)[:90]} for date {date}")
    names = signed.split(";")
    missing = [n for n in names if n not in lower]
    if missing:
        found.append(f"signed but not sent: {missing}")
    if "host" not in names or "x-amz-date" not in names:
        found.append(f"host and x-amz-date must be signed: {names}")
    request = AWSRequest(method=method, url=f"http://{lower['host'][0]}{path}", data=body,
                         headers={n: ",".join(v.strip() for v in lower[n]) for n in names if n in lower})
    signer = SigV4Auth(Credentials(KEY_ID, SECRET, TOKEN), "dynamodb", REGION)
    request.context["timestamp"] = date
    expected_names = signer.signed_headers(signer.headers_to_sign(request))
    if expected_names != signed:
        found.append(f"botocore signs {expected_names}, the request says {signed}")
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    if expected != signature:
        found.append("signature differs from botocore's")
    return found


class Recorder:
    """An HTTP/1.1 listener on a free port that records every request and forwards it to upstream."""

    def __init__(self, upstream):
        self.upstream = upstream.removeprefix("http://")
        self.lock = threading.Lock()
        self.seen = []  # (op, body size, problems)
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = list(self.headers.items())
                op = (self.headers.get("X-Amz-Target") or "").split(".")[-1]
                found = problems_of(self.command, self.path, headers, body)
                with recorder.lock:
                    recorder.seen.append((op, len(body), found))
                fwd = {k: v for k, v in headers if k.lower() not in ("host", "connection", "expect")}
                conn = http.client.HTTPConnection(recorder.upstream, timeout=60)
                try:
                    conn.request("POST", self.path, body=body, headers=fwd)
                    r = conn.getresponse()
                    data, status = r.read(), r.status
                    ctype = r.getheader("Content-Type", "application/x-amz-json-1.0")
                finally:
                    conn.close()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def report(self):
        with self.lock:
            return list(self.seen)


@pytest.fixture
def recorder(dynamodb):
    r = Recorder(dynamodb.endpoint)
    yield r
    r.close()


def assert_all_signed_as_sent(seen):
    bad = [(op, size, found) for op, size, found in seen if found]
    assert not bad, f"{len(bad)} of {len(seen)} requests are not signed as sent, e.g. {bad[:3]}"


def test_every_operation_the_server_and_init_db_send_is_signed_as_sent(recorder, make_server):
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    r = init_db(recorder.endpoint, prefix, **CREDS)
    assert r.returncode == 0, r.stderr
    server = make_server(prefix=prefix, endpoint=recorder.endpoint, CACHE_TTL_MS=0, **CREDS)
    owner = new_client(server, "sigowner")
    ok(server.post("/api/v10/auth/login", json={"login": owner.user["username"], "password": owner.user["password"]}))
    guild = make_guild(owner)
    ok(owner.get("/users/@me/guilds"))
    ch = general(owner, guild["id"])
    ok(owner.post(f"/guilds/{guild['id']}/channels", {"name": "second"}))
    msg = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "signed"}))
    ok(owner.patch(f"/channels/{ch['id']}/messages/{msg['id']}", {"content": "signed again"}))
    ok(owner.get(f"/channels/{ch['id']}/messages?limit=10"))
    ok(owner.delete(f"/channels/{ch['id']}/messages/{msg['id']}"))
    assert server.get("/healthz").status_code == 200
    seen = recorder.report()
    ops = {op for op, _, _ in seen}
    wanted = {"CreateTable", "DescribeTable", "DescribeTimeToLive", "UpdateTimeToLive", "GetItem", "PutItem",
              "UpdateItem", "DeleteItem", "Query", "BatchGetItem", "TransactWriteItems"}
    assert wanted <= ops, f"not exercised: {wanted - ops}"
    assert_all_signed_as_sent(seen)


def test_bodies_below_and_above_1_mib_are_signed_as_sent(recorder):
    binary = BINARY.parent / "dynamo_live_tests"
    env = dict(os.environ, SD_TEST_DYNAMODB_ENDPOINT=recorder.endpoint,
               SD_TEST_TABLE_PREFIX=f"s{uuid.uuid4().hex[:8]}-")
    # The client of the integration tests signs with the fixed test credentials of its setup.
    global KEY_ID, SECRET, TOKEN, REGION
    saved = KEY_ID, SECRET, TOKEN, REGION
    KEY_ID, SECRET, TOKEN, REGION = "local", "local", None, "us-east-1"
    try:
        r = subprocess.run([str(binary), "--jobs", "1", "--filter", "dynamo_live/bodies_on_both_sides_of_1_mib"],
                           env=env, capture_output=True, text=True, timeout=300)
    finally:
        seen = recorder.report()
        KEY_ID, SECRET, TOKEN, REGION = saved
    out = r.stdout + r.stderr
    assert_sanitizer_clean(out)
    assert r.returncode == 0 and "Passing: 1" in out, out[-3000:]
    sizes = [size for op, size, _ in seen if op == "PutItem"]
    assert any(300 * 1024 < s < 1024 * 1024 for s in sizes) and any(s > 1536 * 1024 for s in sizes), sizes
    assert_all_signed_as_sent(seen)
