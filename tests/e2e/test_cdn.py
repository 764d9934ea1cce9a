"""The CDN routes against the real server and the real object store: objects put straight into SeaweedFS are read
back through /attachments (signed links, Range, ETag, HEAD, download headers, a slow client and a vanishing one)
and through the image routes (?size, formats, cached variants), and the default avatars are served."""
import hashlib
import hmac
import os
import random
import socket
import struct
import time

import botocore.session
import pytest
import requests

from conftest import SECRET, proc_status_kib, wait_until
from media_helpers import png, png_size

CDN_SECRET = "cdn-secret-for-the-tests-0123456789abcdef"


def derived_secret():
    """The CDN key a server derives from TOKEN_SECRET when CDN_SIGNING_SECRET is unset."""
    return hmac.new(SECRET.encode(), b"simplediscord cdn links", hashlib.sha256).hexdigest()


def sign(path, secret=None, ttl=3600, now=None):
    now = int(time.time()) if now is None else now
    ex, iss = f"{now + ttl:x}", f"{now:x}"
    hm = hmac.new((secret or derived_secret()).encode(), f"{path}\n{ex}\n{iss}".encode(), hashlib.sha256).hexdigest()
    return f"{path}?ex={ex}&is={iss}&hm={hm}&"


def snowflake():
    return str(random.randrange(10**17, 10**18))


def store(server):
    env = server.env
    assert env.get("S3_ENDPOINT") and env.get("S3_BUCKET"), "the server runs without the object store"
    client = botocore.session.get_session().create_client(
        "s3", endpoint_url=env["S3_ENDPOINT"], region_name=env.get("S3_REGION") or env.get("AWS_REGION", "us-east-1"),
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    return client, env["S3_BUCKET"]


def put(server, key, body, content_type="application/octet-stream"):
    client, bucket = store(server)
    client.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


def exists(server, key):
    client, bucket = store(server)
    try:
        client.head_object(Bucket=bucket, Key=key)
        return True
    except client.exceptions.ClientError:
        return False


def attachment(server, body, filename="file.bin", content_type="application/octet-stream"):
    path = f"/attachments/{snowflake()}/{snowflake()}/{filename}"
    put(server, path[1:], body, content_type)
    return path


def get(server, url, **kw):
    return requests.get(server.url(url), timeout=30, **kw)


# ---- attachments ----

def test_an_attachment_comes_back_exactly_with_its_headers(server):
    body = os.urandom(300_000)
    path = attachment(server, body, "data.bin")
    r = get(server, sign(path))
    assert r.status_code == 200, r.text
    assert r.content == body
    h = r.headers
    assert h["Content-Type"] == "application/octet-stream"
    assert h["Content-Length"] == str(len(body))
    assert h["Content-Disposition"] == 'attachment; filename="data.bin"'
    assert h["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in h["Content-Security-Policy"] and "default-src 'none'" in h["Content-Security-Policy"]
    assert h["Accept-Ranges"] == "bytes"
    assert h["ETag"].startswith('"')
    cache = h["Cache-Control"]
    assert cache.startswith("public, max-age=")
    assert 3500 <= int(cache.split("=")[1]) <= 3600, "cacheable until the link expires"


def test_images_video_and_audio_are_inline_everything_else_a_download(server):
    picture = png(20, 10)
    r = get(server, sign(attachment(server, picture, "a.png", "image/png")))
    assert r.content == picture and r.headers["Content-Type"] == "image/png"
    assert r.headers["Content-Disposition"] == 'inline; filename="a.png"'
    r = get(server, sign(attachment(server, b"\x00" * 100, "v.mp4", "video/mp4")))
    assert r.headers["Content-Disposition"].startswith("inline")
    for name, kind in (("page.html", "text/html"), ("x.svg", "image/svg+xml"), ("t.txt", "text/plain")):
        r = get(server, sign(attachment(server, b"<script>alert(1)</script>", name, kind)))
        assert r.status_code == 200 and r.headers["Content-Disposition"] == f'attachment; filename="{name}"'
        assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_ranges_206_and_416(server):
    body = bytes(range(256)) * 40  # 10240 bytes
    url = sign(attachment(server, body))
    for header, first, last in (("bytes=0-99", 0, 99), ("bytes=10000-", 10000, 10239), ("bytes=-16", 10224, 10239),
                                ("bytes=10200-99999", 10200, 10239)):
        r = get(server, url, headers={"Range": header})
        assert r.status_code == 206, (header, r.status_code)
        assert r.content == body[first:last + 1], header
        assert r.headers["Content-Range"] == f"bytes {first}-{last}/{len(body)}"
        assert r.headers["Content-Length"] == str(last - first + 1)
    r = get(server, url, headers={"Range": "bytes=10240-"})
    assert r.status_code == 416 and r.headers["Content-Range"] == f"bytes */{len(body)}"
    assert r.json()["code"] == 0
    r = get(server, url, headers={"Range": "bytes=0-1,5-6"})  # several ranges: the whole body
    assert r.status_code == 200 and r.content == body


def test_etag_if_none_match_304_and_head(server):
    body = b"etag me" * 1000
    url = sign(attachment(server, body, "e.txt", "text/plain"))
    first = get(server, url)
    etag = first.headers["ETag"]
    r = get(server, url, headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.content == b"" and r.headers["ETag"] == etag
    assert get(server, url, headers={"If-None-Match": '"other"'}).status_code == 200
    r = requests.head(server.url(url), timeout=10)
    assert r.status_code == 200 and r.content == b""
    assert r.headers["Content-Length"] == str(len(body)) and r.headers["ETag"] == etag
    assert r.headers["Content-Type"] == "text/plain"


def test_an_empty_file(server):
    url = sign(attachment(server, b"", "empty.bin"))
    r = get(server, url)
    assert r.status_code == 200 and r.content == b"" and r.headers["Content-Length"] == "0"


def test_missing_altered_expired_and_unknown_links_are_refused(make_server):
    srv = make_server(CDN_SIGNING_SECRET=CDN_SECRET)
    body = b"signed"
    path = attachment(srv, body, "s.txt", "text/plain")
    good = sign(path, CDN_SECRET)
    assert get(srv, good).content == body
    gone = "This content is no longer available."

    def refused(url):
        r = get(srv, url)
        assert r.status_code == 404, (url, r.status_code)
        assert r.json() == {"code": 0, "message": gone}
        assert r.headers["X-Content-Type-Options"] == "nosniff"

    refused(path)  # no signature
    refused(good.replace("/s.txt", "/t.txt"))  # another file, same signature
    refused(good.replace("hm=", "hm=0"))
    refused(sign(path, CDN_SECRET, ttl=-10))  # expired
    refused(sign(path, CDN_SECRET, ttl=-10, now=int(time.time()) + 5))
    refused(sign(path, "another-secret-entirely-0123456789abcdef"))
    refused(sign(path))  # the key a server without CDN_SIGNING_SECRET would use
    refused(sign(f"/attachments/{snowflake()}/{snowflake()}/nothing.bin", CDN_SECRET))  # signed, but no file
    refused(sign("/attachments/x/1/a.bin", CDN_SECRET))  # no snowflake
    refused(sign("/attachments/1/2/%2e%2e", CDN_SECRET))
    refused(sign("/attachments/1/2/a%20b.bin", CDN_SECRET))


def open_download(server, url, rcvbuf=None):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", server.port))
    s.sendall(f"GET {url} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    s.settimeout(30)
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        assert chunk, "closed before the headers"
        head += chunk
    head, rest = head.split(b"\r\n\r\n", 1)
    return s, head.decode(), rest


BIG = 25 * 1024 * 1024


@pytest.fixture(scope="module")
def big(server):
    body = random.Random(7).randbytes(BIG)
    return attachment(server, body, "big.bin"), hashlib.sha256(body).hexdigest()


def test_a_slow_client_reads_25_mib_with_bounded_server_memory(server, big):
    path, digest = big
    before = proc_status_kib(server.proc.pid)
    s, head, got = open_download(server, sign(path), rcvbuf=32 * 1024)
    assert head.startswith("HTTP/1.1 200") and f"Content-Length: {BIG}" in head
    received = [got]
    n = len(got)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:  # a slow reader: about 1 MiB/s
        chunk = s.recv(16 * 1024)
        assert chunk
        received.append(chunk)
        n += len(chunk)
        time.sleep(0.015)
    grown = proc_status_kib(server.proc.pid) - before
    assert n < BIG // 2, "the reader was slow"
    assert grown < 12 * 1024, f"server RSS grew by {grown} KiB while a slow client read {n} bytes"
    while n < BIG:
        chunk = s.recv(1 << 20)
        assert chunk, f"closed after {n} bytes"
        received.append(chunk)
        n += len(chunk)
    s.close()
    assert n == BIG and hashlib.sha256(b"".join(received)).hexdigest() == digest


def test_clients_that_go_away_mid_download_leave_nothing_behind(server, big):
    path, digest = big
    url = sign(path)

    def answered():
        return server.log_text().count(f'"path": "{path}"') + server.log_text().count(f'"path":"{path}"')

    start = answered()
    before = proc_status_kib(server.proc.pid)
    for i in range(12):
        s, head, _ = open_download(server, url)
        assert head.startswith("HTTP/1.1 200")
        s.recv(256 * 1024)
        if i % 2:  # a reset rather than a close
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    # every download's request ends (logged once) although its client left early
    wait_until(lambda: answered() - start >= 12, 20, "the abandoned downloads to end")
    assert proc_status_kib(server.proc.pid) - before < 24 * 1024
    r = get(server, url)
    assert r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == digest
    assert server.get("/healthz").status_code == 200


def test_pipelined_requests_after_a_streamed_answer(server):
    body = os.urandom(70_000)
    url = sign(attachment(server, body, "p.bin"))
    s = socket.create_connection(("127.0.0.1", server.port))
    s.sendall(f"GET {url} HTTP/1.1\r\nHost: x\r\n\r\nGET {url} HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9\r\n\r\n".encode())
    s.settimeout(10)
    data = b""
    while data.count(b"HTTP/1.1 ") < 2 or not data.endswith(body[:10]):
        chunk = s.recv(65536)
        assert chunk, data[:200]
        data += chunk
    s.close()
    first, second = data.split(b"HTTP/1.1 206", 1)
    assert first.startswith(b"HTTP/1.1 200") and first.endswith(body)
    assert second.endswith(b"\r\n\r\n" + body[:10])


# ---- images ----

def image_hash():
    return os.urandom(16).hex()


def test_default_avatars(server):
    seen = set()
    for n in range(6):
        r = get(server, f"/embed/avatars/{n}.png")
        assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
        assert png_size(r.content) == (256, 256)
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        seen.add(r.content)
        assert get(server, f"/embed/avatars/{n}.png", headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    assert len(seen) == 6
    assert get(server, "/embed/avatars/6.png").status_code == 404
    assert get(server, "/embed/avatars/0.gif").status_code == 404
    assert get(server, "/embed/avatars/1.png?size=64").status_code == 200
    r = get(server, "/embed/avatars/1.png?size=17")
    assert r.status_code == 400 and r.json()["code"] == 0


def test_an_avatar_at_a_size_and_format_and_its_variant_kept(server):
    user, h = snowflake(), image_hash()
    put(server, f"avatars/{user}/{h}", png(100, 80, rgb=(9, 99, 199)), "image/png")
    r = get(server, f"/avatars/{user}/{h}.png?size=32")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "image/png" and png_size(r.content) in ((32, 25), (32, 26)), "fit in 32 x 32"
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert get(server, f"/avatars/{user}/{h}.png?size=32", headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    wait_until(lambda: exists(server, f"variants/avatars/{user}/{h}/32.png"), 10, "the variant to be stored")
    whole = get(server, f"/avatars/{user}/{h}.png")
    assert png_size(whole.content) == (100, 80), "no size: the original's"
    assert png_size(get(server, f"/avatars/{user}/{h}.png?size=1024").content) == (100, 80), "never enlarged"
    webp = get(server, f"/avatars/{user}/{h}.webp?size=64")
    assert webp.headers["Content-Type"] == "image/webp" and webp.content[:4] == b"RIFF" and webp.content[8:12] == b"WEBP"
    jpg = get(server, f"/avatars/{user}/{h}.jpg?size=16")
    assert jpg.headers["Content-Type"] == "image/jpeg" and jpg.content[:2] == b"\xff\xd8"
    # the variant is served from the store next time, even with the original gone
    client, bucket = store(server)
    client.delete_object(Bucket=bucket, Key=f"avatars/{user}/{h}")
    again = get(server, f"/avatars/{user}/{h}.png?size=32")
    assert again.status_code == 200 and again.content == r.content
    assert get(server, f"/avatars/{user}/{h}.png?size=64").status_code == 404


def test_every_image_route(server):
    owner, h, emoji = snowflake(), image_hash(), snowflake()
    picture = png(40, 40)
    for prefix in ("banners", "icons", "splashes", "role-icons"):
        put(server, f"{prefix}/{owner}/{h}", picture, "image/png")
        r = get(server, f"/{prefix}/{owner}/{h}.png?size=16")
        assert r.status_code == 200 and png_size(r.content) == (16, 16), prefix
    put(server, f"emojis/{emoji}", picture, "image/png")
    assert png_size(get(server, f"/emojis/{emoji}.png").content) == (40, 40)
    assert get(server, f"/emojis/{emoji}.gif?size=32").headers["Content-Type"] == "image/gif"


def test_bad_sizes_formats_and_unknown_images(server):
    user, h = snowflake(), image_hash()
    put(server, f"avatars/{user}/{h}", png(8, 8), "image/png")
    for size in ("17", "0", "8", "8192", "-16", "abc", "", "64.0", "00032"):
        r = get(server, f"/avatars/{user}/{h}.png?size={size}")
        assert r.status_code == 400, (size, r.status_code)
        assert r.json()["code"] == 0
    assert get(server, f"/avatars/{user}/{h}.bmp").status_code == 400
    for path in (f"/avatars/{user}/{image_hash()}.png", f"/avatars/{snowflake()}/{h}.png", f"/avatars/{user}/nothex.png",
                 f"/avatars/{user}/{h}", f"/emojis/{snowflake()}.png", "/emojis/abc.png"):
        r = get(server, path)
        assert r.status_code == 404, (path, r.status_code)
        assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_cdn_requests_are_limited_per_address_and_apart_from_the_api(make_server):
    srv = make_server(RATE_LIMIT_CDN="5/60", RATE_LIMIT_IP="1000/1")
    codes = [get(srv, "/embed/avatars/0.png").status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    r = get(srv, "/embed/avatars/1.png")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert r.json()["message"] == "You are being rate limited."
    assert srv.get("/api/v10/gateway").status_code == 200, "the API's limits are apart"


def test_animated_hashes_stay_animated_as_gif_and_webp(server):
    from image_fixtures import GIF_ANIMATED_32x32, gif_frames, image_type, webp_animated
    user, h = snowflake(), "a_" + image_hash()
    put(server, f"avatars/{user}/{h}", GIF_ANIMATED_32x32, "image/gif")
    gif = get(server, f"/avatars/{user}/{h}.gif?size=16")
    assert gif.status_code == 200 and image_type(gif.content) == "image/gif" and gif_frames(gif.content) > 1
    assert webp_animated(get(server, f"/avatars/{user}/{h}.webp").content)
    still = get(server, f"/avatars/{user}/{h}.png?size=16")
    assert image_type(still.content) == "image/png" and png_size(still.content) == (16, 16), "the first frame"
