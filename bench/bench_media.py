"""task bench (media): uploads and CDN downloads through the server beside the same bytes straight to and from the
same object store, and the server's memory while 20 large uploads run at once. In one run:

1. Upload throughput: POST /channels/{id}/messages as multipart/form-data (payload_json + files[0]) with one
   25 MiB file, several in a row, beside raw PUTs of the same bytes straight to the same SeaweedFS (presigned,
   UNSIGNED-PAYLOAD, as cheap as a client can make them). Timed in the order server, raw, raw, server.
2. Download throughput: GET the attachment's url from the message (the CDN route) beside GETs of the same
   object straight from SeaweedFS. Same order.
3. Server RSS growth (peak of VmRSS sampled every 20 ms, minus the figure just before) while 20 clients upload
   25 MiB each at once.
Prints each figure and the ratios (goals: >= 0.8, >= 0.8, growth < 64 MiB). One DynamoDB Local and one SeaweedFS,
started here like the test harness does.
"""
import hashlib
import os
import pathlib
import sys
import tempfile
import threading
import time
import uuid
from urllib.parse import urljoin

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import conftest  # noqa: E402
from conftest import DynamoDBLocal, SeaweedFS, Server, bucket_for, init_db, proc_status_kib, register  # noqa: E402

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


def upload_message(session, srv, headers, channel, data, name="bench.bin"):
    """One message with one file, as discord.py sends it; returns the message."""
    payload = '{"content": "bench", "attachments": [{"id": 0, "filename": "%s"}]}' % name
    r = session.post(srv.url(f"/api/v10/channels/{channel}/messages"), headers=headers, timeout=600,
                     files={"payload_json": (None, payload, "application/json"),
                            "files[0]": (name, data, "application/octet-stream")})
    if r.status_code != 200:
        raise SystemExit(f"upload through the server failed: {r.status_code} {r.text[:300]}")
    return r.json()


def read_all(session, url, **kw):
    """GETs url, reading the body in 1 MiB pieces; returns (bytes read, sha256 hex)."""
    h, n = hashlib.sha256(), 0
    with session.get(url, stream=True, timeout=600, **kw) as r:
        if r.status_code != 200:
            raise SystemExit(f"GET {url.split('?')[0]} failed: {r.status_code} {r.text[:300]}")
        for piece in r.iter_content(MIB):
            h.update(piece)
            n += len(piece)
    return n, h.hexdigest()


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
        session, raw = requests.Session(), requests.Session()

        # Warm-up: one of each, and the objects the download runs read.
        message = upload_message(session, srv, headers, channel, data)
        att = message["attachments"][0]
        assert att["size"] == FILE_BYTES, att
        cdn_url = urljoin(srv.base, att["url"])
        assert read_all(session, cdn_url) == (FILE_BYTES, digest), "the CDN gave other bytes"
        raw_key = f"bench/{uuid.uuid4().hex}.bin"
        put = raw.put(presign(store, bucket, "PUT", raw_key), data=data, timeout=600)
        assert put.status_code == 200, put.text
        raw_get = presign(store, bucket, "GET", raw_key)
        assert read_all(raw, raw_get) == (FILE_BYTES, digest)

        def server_up(i):
            upload_message(session, srv, headers, channel, data)

        def raw_up(i):
            r = raw.put(presign(store, bucket, "PUT", f"bench/up-{uuid.uuid4().hex}.bin"), data=data, timeout=600)
            assert r.status_code == 200, r.text

        def server_down(i):
            assert read_all(session, cdn_url)[0] == FILE_BYTES

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

        # Many large uploads at once: what the server holds must not grow with them.
        errors = []

        def one_client():
            try:
                upload_message(requests.Session(), srv, headers, channel, data)
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
