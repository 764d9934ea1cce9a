"""task bench (media): uploads and CDN downloads through the server beside the same bytes straight to and from the
same object store, and the server's memory while 20 large uploads run at once. In one run:

1. Upload throughput: POST /channels/{id}/messages as multipart/form-data (payload_json + files[0]) with one
   25 MiB file, several in a row, beside raw PUTs of the same bytes straight to the same SeaweedFS (presigned,
   UNSIGNED-PAYLOAD, as cheap as a client can make them). Timed in the order server, raw, raw, server.
2. Download throughput: GET the attachment's url from the message (the CDN route) beside GETs of the same
   object straight from SeaweedFS. Same order.
3. Server RSS growth (peak of VmRSS sampled every 20 ms, minus the figure just before) while 20 clients upload
   25 MiB each at once.
Both sides of each ratio use the same client: http.client on a kept-alive connection, bodies sent and read in
1 MiB pieces (requests' own body handling tops out near 40 MiB/s here, which would hide the server's cost).
Also printed: the ceiling of the server's own store client (bench_s3_put: db/s3 put_file and multipart).
Prints each figure and the ratios (goals: >= 0.8, >= 0.8, growth < 64 MiB). One DynamoDB Local and one
SeaweedFS, started here like the test harness does.
"""
import hashlib
import http.client
import json
import os
import pathlib
import sys
import subprocess
import tempfile
import threading
import time
import uuid
from urllib.parse import urljoin, urlsplit

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import conftest  # noqa: E402
from conftest import (BINARY, DynamoDBLocal, SeaweedFS, Server, bucket_for, init_db, proc_status_kib,  # noqa: E402
                      register)

import requests  # noqa: E402
from botocore.auth import S3SigV4QueryAuth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

FILE_BYTES = int(os.environ.get("BENCH_MEDIA_FILE_BYTES", str(25 << 20)))
ROUNDS = int(os.environ.get("BENCH_MEDIA_ROUNDS", "3"))  # transfers per timed run (two runs per path)
CONCURRENT = int(os.environ.get("BENCH_MEDIA_CONCURRENT", "20"))
MIB = 1 << 20


def presign(store, bucket, method, key):
    req = AWSRequest(method=method, url=f"{store.endpoint}/{bucket}/{key}")
    S3SigV4QueryAuth(Credentials(store.ACCESS_KEY, store.SECRET_KEY), "s3", "us-east-1", expires=3600).add_auth(req)
    return req.url


class Http:
    """One kept-alive connection to an origin; bodies go out and come in 1 MiB at a time."""

    def __init__(self, url):
        u = urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def request(self, method, url, headers=None, pieces=(), length=0):
        """Sends pieces (bytes-likes, length bytes in all); returns (status, body bytes read, sha256 hex, text)."""
        u = urlsplit(url)
        for attempt in (0, 1):  # a kept-alive connection the far end closed is opened again once
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=600)
            try:
                self.conn.putrequest(method, u.path + ("?" + u.query if u.query else ""), skip_accept_encoding=True)
                for k, v in (headers or {}).items():
                    self.conn.putheader(k, v)
                if method in ("PUT", "POST"):
                    self.conn.putheader("Content-Length", str(length))
                self.conn.endheaders()
                for p in pieces:
                    mv = memoryview(p)
                    for o in range(0, len(mv), MIB):
                        self.conn.send(mv[o:o + MIB])
                r = self.conn.getresponse()
                h, n, head = hashlib.sha256(), 0, b""
                while True:
                    chunk = r.read(MIB)
                    if not chunk:
                        break
                    if len(head) < 1000:
                        head += chunk[:1000]
                    h.update(chunk)
                    n += len(chunk)
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, n, h.hexdigest(), head.decode("utf-8", "replace")
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise


def upload_message(client, srv, token, channel, data, name="bench.bin"):
    """One message with one file, the multipart body as discord.py builds it; returns the message."""
    boundary = uuid.uuid4().hex
    payload = '{"content": "bench", "attachments": [{"id": 0, "filename": "%s"}]}' % name
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n"
            f"Content-Type: application/json\r\n\r\n{payload}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    status, _, _, text = client.request(
        "POST", srv.url(f"/api/v10/channels/{channel}/messages"),
        {"Authorization": token, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        (head, data, tail), len(head) + len(data) + len(tail))
    if status != 200:
        raise SystemExit(f"upload through the server failed: {status} {text[:300]}")
    return json.loads(text) if len(text) < 1000 else None


def message_of(srv, token, channel):
    """The last message of channel (the upload's answer can be longer than what Http keeps)."""
    r = requests.get(srv.url(f"/api/v10/channels/{channel}/messages?limit=1"), headers={"Authorization": token},
                     timeout=30)
    return r.json()[0]


def read_all(client, url):
    status, n, digest, text = client.request("GET", url)
    if status != 200:
        raise SystemExit(f"GET {url.split('?')[0]} failed: {status} {text[:300]}")
    return n, digest


def ceiling(store, bucket, path):
    """The server's own store client's upload rate (bench_s3_put), whole and in parts, or None."""
    tool = BINARY.parent / "bench_s3_put"
    if not tool.exists():
        return None
    out = {}
    for mode in ("put", "multipart"):
        r = subprocess.run([str(tool), store.endpoint, bucket, str(path), mode, str(2 * ROUNDS)],
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            return None
        out[mode] = json.loads(r.stdout.strip().splitlines()[-1])["mib_per_second"]
    return out


def timed(fn, rounds):
    t0 = time.perf_counter()
    for i in range(rounds):
        fn(i)
    return time.perf_counter() - t0


def rss_during(srv, work):
    """(baseline MiB, peak MiB) of the server's VmRSS while work() runs."""
    base = proc_status_kib(srv.proc.pid) / 1024
    peak, stop = base, threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, proc_status_kib(srv.proc.pid) / 1024)
            time.sleep(0.02)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        work()
    finally:
        stop.set()
        t.join()
    return base, peak


def main():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="sd-bench-media-"))
    ddb = DynamoDBLocal(tmp).start()
    (tmp / "store").mkdir()
    store = SeaweedFS(tmp / "store").start()
    conftest.STORE["endpoint"] = store.endpoint
    prefix = f"b{uuid.uuid4().hex[:6]}-"
    bucket = bucket_for(prefix)
    srv = None
    try:
        r = init_db(ddb.endpoint, prefix)
        assert r.returncode == 0, r.stderr
        srv = Server(ddb.endpoint, prefix, tmp, LOG_LEVEL="warn").start()
        user = register(srv)
        headers = {"Authorization": user["token"]}
        guild = requests.post(srv.url("/api/v10/guilds"), json={"name": "bench"}, headers=headers, timeout=30).json()
        channel = guild["channels"][0]["id"]
        data = os.urandom(FILE_BYTES)
        digest = hashlib.sha256(data).hexdigest()
        (tmp / "file.bin").write_bytes(data)
        token = user["token"]
        server, raw = Http(srv.base), Http(store.endpoint)

        # Warm-up: one of each, and the objects the download runs read.
        upload_message(server, srv, token, channel, data)
        att = message_of(srv, token, channel)["attachments"][0]
        assert att["size"] == FILE_BYTES, att
        cdn_url = urljoin(srv.base, att["url"])
        assert read_all(server, cdn_url) == (FILE_BYTES, digest), "the CDN gave other bytes"
        raw_key = f"bench/{uuid.uuid4().hex}.bin"
        status, _, _, text = raw.request("PUT", presign(store, bucket, "PUT", raw_key), {}, (data,), len(data))
        assert status == 200, text
        raw_get = presign(store, bucket, "GET", raw_key)
        assert read_all(raw, raw_get) == (FILE_BYTES, digest)

        def server_up(i):
            upload_message(server, srv, token, channel, data)

        def raw_up(i):
            url = presign(store, bucket, "PUT", f"bench/up-{uuid.uuid4().hex}.bin")
            status, _, _, text = raw.request("PUT", url, {}, (data,), len(data))
            assert status == 200, text

        def server_down(i):
            assert read_all(server, cdn_url)[0] == FILE_BYTES

        def raw_down(i):
            assert read_all(raw, raw_get)[0] == FILE_BYTES

        secs = {"server_up": 0.0, "raw_up": 0.0, "server_down": 0.0, "raw_down": 0.0}
        for kind in ("up", "down"):
            for who in ("server", "raw", "raw", "server"):
                fn = {"server_up": server_up, "raw_up": raw_up, "server_down": server_down,
                      "raw_down": raw_down}[f"{who}_{kind}"]
                secs[f"{who}_{kind}"] += timed(fn, ROUNDS)
        moved = 2 * ROUNDS * FILE_BYTES / MIB
        rate = {k: moved / v for k, v in secs.items()}
        store_client = ceiling(store, bucket, tmp / "file.bin")

        # Many large uploads at once: what the server holds must not grow with them.
        errors = []

        def one_client():
            try:
                upload_message(Http(srv.base), srv, token, channel, data)
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        def concurrent():
            threads = [threading.Thread(target=one_client) for _ in range(CONCURRENT)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        t0 = time.perf_counter()
        base, peak = rss_during(srv, concurrent)
        took = time.perf_counter() - t0

        print(f"file {FILE_BYTES / MIB:.1f} MiB, {2 * ROUNDS} transfers per path (runs: server, raw, raw, server), "
              "one SeaweedFS")
        print(f"upload   server POST /messages  : {rate['server_up']:8.1f} MiB/s")
        print(f"upload   raw PUT to the store   : {rate['raw_up']:8.1f} MiB/s")
        print(f"ratio upload server / raw       : {rate['server_up'] / rate['raw_up']:.2f} (goal >= 0.80)")
        if store_client:
            print(f"upload   db/s3 alone (the ceiling): {store_client['put']:8.1f} MiB/s put_file, "
                  f"{store_client['multipart']:.1f} MiB/s multipart")
        print(f"download server CDN url         : {rate['server_down']:8.1f} MiB/s")
        print(f"download raw GET from the store : {rate['raw_down']:8.1f} MiB/s")
        print(f"ratio download server / raw     : {rate['server_down'] / rate['raw_down']:.2f} (goal >= 0.80)")
        print(f"{CONCURRENT} concurrent {FILE_BYTES / MIB:.0f} MiB uploads : {took:.1f} s, "
              f"{len(errors)} failed{': ' + errors[0] if errors else ''}")
        print(f"server RSS                      : {base:.1f} MiB before, {peak:.1f} MiB at peak, "
              f"growth {peak - base:.1f} MiB (goal < 64 MiB)")
    finally:
        if srv:
            srv.stop()
        conftest.STORE.clear()
        store.stop()
        ddb.stop()


if __name__ == "__main__":
    main()
