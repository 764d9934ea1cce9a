"""Message attachments against the real server, DynamoDB Local and SeaweedFS: files sent as multipart/form-data
and through presigned uploads, their bytes in the store, the attachment object (sniffed type, sizes, spoilers,
descriptions, signed links), edits that keep or drop files, limits, deletion through the retried job, and a store
that dies under an upload."""
import json
import time
import urllib.parse

import boto3
import botocore.config
import pytest
import requests

from conftest import STORE
from guild_helpers import general, invite_code, make_guild, member_with, new_client, ok
from media_helpers import png

SEND = 1 << 11
ATTACH_FILES = 1 << 15
READ_HISTORY = 1 << 16


@pytest.fixture
def room(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    return owner, g, ch


def s3(server):
    return boto3.client("s3", endpoint_url=STORE["endpoint"], aws_access_key_id="local",
                        aws_secret_access_key="local", region_name="us-east-1",
                        config=botocore.config.Config(s3={"addressing_style": "path"},
                                                      retries={"max_attempts": 1}))


def bucket(server):
    return server.env["S3_BUCKET"]


def stored_bytes(server, key):
    return s3(server).get_object(Bucket=bucket(server), Key=key)["Body"].read()


def exists(server, key):
    try:
        s3(server).head_object(Bucket=bucket(server), Key=key)
        return True
    except s3(server).exceptions.ClientError:
        return False


def key_of(attachment):
    return urllib.parse.urlsplit(attachment["url"]).path.lstrip("/")


def send_files(client, channel_id, files, payload=None, method="POST", message_id=None):
    """files: [(name, bytes, content type)] as files[0..]; payload: payload_json (None: none sent)."""
    parts = []
    if payload is not None:
        parts.append(("payload_json", (None, json.dumps(payload), "application/json")))
    for i, (name, data, ctype) in enumerate(files):
        parts.append((f"files[{i}]", (name, data, ctype)))
    path = f"/channels/{channel_id}/messages" + (f"/{message_id}" if message_id else "")
    return client.call(method, path, files=parts)


def presigned(client, channel_id, name, data, content="x", method="POST", message_id=None, keep=()):
    """A message with one file put into the store through a presigned URL (Discord's large-file flow)."""
    slot = ok(client.post(f"/channels/{channel_id}/attachments",
                          {"files": [{"id": "0", "filename": name, "file_size": len(data)}]}))["attachments"][0]
    assert requests.put(slot["upload_url"], data=data, timeout=30).status_code == 200
    refs = [{"id": k} for k in keep] + [{"id": "0", "filename": name, "uploaded_filename": slot["upload_filename"]}]
    path = f"/channels/{channel_id}/messages" + (f"/{message_id}" if message_id else "")
    return ok(client.call(method, path, {"content": content, "attachments": refs}))


def wait_gone(server, key, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not exists(server, key):
            return True
        time.sleep(0.2)
    return False


def test_files_go_up_whole_and_come_back_as_discord_attachments(server, room):
    owner, g, ch = room
    picture = png(64, 48, text=b"kept as sent")
    blob = bytes(range(256)) * 4096 + b"tail"
    r = send_files(owner, ch["id"], [("picture.png", picture, "image/png"), ("data.bin", blob, "application/x")],
                   {"content": "two files", "attachments": [{"id": 0, "description": "a test picture"},
                                                            {"id": 1}]})
    m = ok(r)
    pic, data = m["attachments"]
    assert (pic["filename"], pic["size"], pic["content_type"]) == ("picture.png", len(picture), "image/png")
    assert (pic["width"], pic["height"], pic["description"]) == (64, 48, "a test picture")
    assert pic["title"] == "picture" and pic["flags"] == 0
    assert (data["filename"], data["size"], data["content_type"]) == ("data.bin", len(blob),
                                                                      "application/octet-stream")
    assert data["width"] is None and data["height"] is None
    for a in (pic, data):
        assert a["proxy_url"] == a["url"]
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(a["url"]).query)
        assert set(query) == {"ex", "is", "hm"}
        assert key_of(a) == f"attachments/{ch['id']}/{a['id']}/{a['filename']}"
    assert stored_bytes(server, key_of(pic)) == picture
    assert stored_bytes(server, key_of(data)) == blob
    fetched = ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}"))
    assert [a["id"] for a in fetched["attachments"]] == [pic["id"], data["id"]]
    assert [a["size"] for a in ok(owner.get(f"/channels/{ch['id']}/messages"))[0]["attachments"]] == [
        len(picture), len(blob)]


def test_links_are_signed_anew_on_every_fetch(server, room):
    owner, g, ch = room
    m = ok(send_files(owner, ch["id"], [("a.txt", b"hello\n", "text/plain")], {"content": "x"}))
    time.sleep(1.1)
    again = ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}"))["attachments"][0]
    first = urllib.parse.parse_qs(urllib.parse.urlsplit(m["attachments"][0]["url"]).query)
    second = urllib.parse.parse_qs(urllib.parse.urlsplit(again["url"]).query)
    assert int(second["is"][0], 16) > int(first["is"][0], 16)
    assert second["hm"] != first["hm"]


def test_the_content_type_comes_from_the_bytes_not_the_claim(server, room):
    owner, g, ch = room
    files = [("notes.txt", png(5, 7), "text/plain"), ("real.txt", "héllo wörld\n".encode(), "image/png"),
             ("doc.png", b"%PDF-1.4\n%...", "image/png"), ("empty.bin", b"", "text/plain")]
    m = ok(send_files(owner, ch["id"], files, {"content": "types"}))
    got = [(a["filename"], a["content_type"], a["width"], a["height"]) for a in m["attachments"]]
    assert got == [("notes.txt", "image/png", 5, 7), ("real.txt", "text/plain; charset=utf-8", None, None),
                   ("doc.png", "application/pdf", None, None), ("empty.bin", "application/octet-stream", None, None)]


def test_spoilers_titles_and_sanitised_names(server, room):
    owner, g, ch = room
    m = ok(send_files(owner, ch["id"], [("SPOILER_cat.png", png(2, 2), "image/png"),
                                        ("my photo (1).png", png(3, 3), "image/png")], None))
    spoiler, renamed = m["attachments"]
    assert spoiler["filename"] == "SPOILER_cat.png" and spoiler["flags"] & 8
    assert renamed["filename"] == "my_photo__1_.png" and renamed["title"] == "my photo (1)"
    assert m["content"] == "", "a message of files alone needs no content"


def test_a_filename_and_description_given_in_the_attachments_array(server, room):
    owner, g, ch = room
    m = ok(send_files(owner, ch["id"], [("x.png", png(4, 4), "image/png")],
                      {"attachments": [{"id": 0, "filename": "SPOILER_y.png", "description": "d" * 1024}]}))
    (a,) = m["attachments"]
    assert a["filename"] == "SPOILER_y.png" and a["flags"] & 8 and a["description"] == "d" * 1024
    r = send_files(owner, ch["id"], [("x.png", png(4, 4), "image/png")],
                   {"attachments": [{"id": 0, "description": "d" * 1025}]})
    assert r.status_code == 400 and r.json()["code"] == 50035
    assert "attachments" in r.json()["errors"]


def test_an_unknown_attachment_id_is_a_field_error_and_leaves_nothing(server, room):
    owner, g, ch = room
    r = send_files(owner, ch["id"], [("x.bin", b"123", "application/octet-stream")],
                   {"content": "x", "attachments": [{"id": 0}, {"id": 5}]})
    assert r.status_code == 400, r.text
    assert r.json()["errors"]["attachments"]["1"]["id"]["_errors"][0]["code"]
    assert ok(owner.get(f"/channels/{ch['id']}/messages")) == []


def test_edits_keep_some_files_and_the_dropped_ones_leave_the_store(server, room):
    owner, g, ch = room
    m = ok(send_files(owner, ch["id"], [("a.png", png(8, 8), "image/png"), ("b.txt", b"plain text\n", "text/plain")],
                      {"content": "two"}))
    a, b = m["attachments"]
    kept = ok(owner.patch(f"/channels/{ch['id']}/messages/{m['id']}", {"attachments": [b]}))
    assert [x["id"] for x in kept["attachments"]] == [b["id"]] and kept["edited_timestamp"]
    assert wait_gone(server, key_of(a)), "the dropped file is deleted from the store"
    assert exists(server, key_of(b))
    # a new file added on edit next to the kept one
    added = ok(send_files(owner, ch["id"], [("c.gif", b"GIF89a\x02\x00\x03\x00", "image/gif")],
                          {"attachments": [{"id": b["id"]}, {"id": 0}]}, method="PATCH", message_id=m["id"]))
    assert [(x["filename"], x.get("width")) for x in added["attachments"]] == [("b.txt", None), ("c.gif", 2)]
    emptied = ok(owner.patch(f"/channels/{ch['id']}/messages/{m['id']}",
                             {"content": "nothing attached", "attachments": []}))
    assert emptied["attachments"] == [] and emptied["content"] == "nothing attached"
    assert wait_gone(server, key_of(b))
    assert wait_gone(server, key_of(added["attachments"][1]))
    # an edit that names no attachments keeps them
    m2 = ok(send_files(owner, ch["id"], [("d.txt", b"d\n", "text/plain")], {"content": "one"}))
    e2 = ok(owner.patch(f"/channels/{ch['id']}/messages/{m2['id']}", {"content": "still one"}))
    assert [x["id"] for x in e2["attachments"]] == [m2["attachments"][0]["id"]]


def test_deleting_messages_deletes_their_files(server, room):
    owner, g, ch = room
    m = ok(send_files(owner, ch["id"], [("a.bin", b"a" * 1000, "application/octet-stream")], {"content": "x"}))
    key = key_of(m["attachments"][0])
    assert exists(server, key)
    ok(owner.delete(f"/channels/{ch['id']}/messages/{m['id']}"), 204)
    assert wait_gone(server, key)
    ms = [ok(send_files(owner, ch["id"], [(f"{i}.txt", b"bulk\n", "text/plain")], {"content": str(i)}))
          for i in range(2)]
    keys = [key_of(x["attachments"][0]) for x in ms]
    ok(owner.post(f"/channels/{ch['id']}/messages/bulk-delete", {"messages": [x["id"] for x in ms]}), 204)
    assert all(wait_gone(server, k) for k in keys)


def test_the_presigned_large_file_flow(server, room):
    owner, g, ch = room
    blob = png(30, 20) + b"\0" * 100000
    up = ok(owner.post(f"/channels/{ch['id']}/attachments",
                       {"files": [{"id": "0", "filename": "big picture.png", "file_size": len(blob)}]}))
    (slot,) = up["attachments"]
    assert slot["id"] == "0" and slot["upload_filename"].startswith(f"attachments/{ch['id']}/")
    assert slot["upload_filename"].endswith("/big_picture.png")
    put = requests.put(slot["upload_url"], data=blob, timeout=30)
    assert put.status_code == 200, put.text
    m = ok(owner.post(f"/channels/{ch['id']}/messages", {
        "content": "large", "attachments": [{"id": "0", "filename": "big picture.png",
                                             "uploaded_filename": slot["upload_filename"]}]}))
    (a,) = m["attachments"]
    assert (a["size"], a["content_type"], a["width"], a["height"]) == (len(blob), "image/png", 30, 20)
    assert key_of(a) == slot["upload_filename"] and a["title"] == "big picture"
    assert stored_bytes(server, key_of(a)) == blob


def test_deleting_messages_deletes_their_presigned_files(server, room):
    owner, g, ch = room
    m = presigned(owner, ch["id"], "a.bin", b"a" * 1000)
    key = key_of(m["attachments"][0])
    assert exists(server, key)
    ok(owner.delete(f"/channels/{ch['id']}/messages/{m['id']}"), 204)
    assert wait_gone(server, key)
    ms = [presigned(owner, ch["id"], f"{i}.txt", b"bulk\n") for i in range(2)]
    keys = [key_of(x["attachments"][0]) for x in ms]
    ok(owner.post(f"/channels/{ch['id']}/messages/bulk-delete", {"messages": [x["id"] for x in ms]}), 204)
    assert all(wait_gone(server, k) for k in keys)


def test_an_edit_keeps_and_drops_presigned_files(server, room):
    owner, g, ch = room
    m = presigned(owner, ch["id"], "one.txt", b"one\n")
    first = m["attachments"][0]
    both = presigned(owner, ch["id"], "two.png", png(9, 3), method="PATCH", message_id=m["id"], keep=[first["id"]])
    assert [(a["filename"], a["width"]) for a in both["attachments"]] == [("one.txt", None), ("two.png", 9)]
    second = both["attachments"][1]
    dropped = ok(owner.patch(f"/channels/{ch['id']}/messages/{m['id']}", {"attachments": [{"id": second["id"]}]}))
    assert [a["id"] for a in dropped["attachments"]] == [second["id"]]
    assert wait_gone(server, key_of(first)) and exists(server, key_of(second))
    r = owner.patch(f"/channels/{ch['id']}/messages/{m['id']}", {"attachments": [{"id": first["id"]}]})
    assert r.status_code == 400 and "attachments" in r.json()["errors"], "a dropped file cannot come back"


def test_presigned_references_are_checked(server, room):
    owner, g, ch = room
    other = general(owner, make_guild(owner, "other")["id"])
    up = ok(owner.post(f"/channels/{other['id']}/attachments", {"files": [{"filename": "a.bin", "file_size": 3}]}))
    key = up["attachments"][0]["upload_filename"]
    assert requests.put(up["attachments"][0]["upload_url"], data=b"abc", timeout=30).status_code == 200
    for bad in (key, f"attachments/{ch['id']}/123/never-uploaded.bin", "avatars/1/2", "../../etc/passwd"):
        r = owner.post(f"/channels/{ch['id']}/messages",
                       {"content": "x", "attachments": [{"id": "0", "uploaded_filename": bad}]})
        assert r.status_code == 400, (bad, r.text)
        assert r.json()["code"] == 50035 and "uploaded_filename" in r.json()["errors"]["attachments"]["0"]
    # a presigned upload is one message's only
    m = presigned(owner, ch["id"], "once.txt", b"once\n")
    r = owner.post(f"/channels/{ch['id']}/messages",
                   {"content": "again", "attachments": [{"id": "0", "uploaded_filename": key_of(m["attachments"][0])}]})
    assert r.status_code == 400 and "uploaded_filename" in r.json()["errors"]["attachments"]["0"], r.text
    r = owner.post(f"/channels/{ch['id']}/attachments", {"files": [{"filename": "a.bin", "file_size": 1 << 40}]})
    assert r.status_code == 413 and r.json()["code"] == 40005
    r = owner.post(f"/channels/{ch['id']}/attachments", {"files": []})
    assert r.status_code == 400 and r.json()["code"] == 50035


def test_files_need_attach_files(server, room):
    owner, g, ch = room
    code = invite_code(owner, ch["id"])
    writer = member_with(server, owner, g["id"], code, SEND | READ_HISTORY, "writer")
    ok(owner.patch(f"/guilds/{g['id']}/roles/{g['id']}", {"permissions": "0"}))
    r = send_files(writer, ch["id"], [("a.txt", b"a\n", "text/plain")], {"content": "x"})
    assert r.status_code == 403 and r.json()["code"] == 50013, r.text
    r = writer.post(f"/channels/{ch['id']}/attachments", {"files": [{"filename": "a.bin", "file_size": 3}]})
    assert r.status_code == 403
    assert ok(writer.post(f"/channels/{ch['id']}/messages", {"content": "text is fine"}))


def test_limits_on_files(make_server):
    srv = make_server(UPLOAD_MAX_FILE_BYTES="1000", UPLOAD_MAX_FILES="10")
    owner = new_client(srv, "owner")
    ch = general(owner, make_guild(owner)["id"])
    r = send_files(owner, ch["id"], [("big.bin", b"x" * 1001, "application/octet-stream")], {"content": "x"})
    assert r.status_code == 413 and r.json()["code"] == 40005, r.text
    r = send_files(owner, ch["id"], [(f"{i}.txt", b"t\n", "text/plain") for i in range(11)], {"content": "x"})
    assert r.status_code in (400, 413), r.text
    assert ok(owner.get(f"/channels/{ch['id']}/messages")) == []
    m = ok(send_files(owner, ch["id"], [(f"{i}.txt", b"t\n", "text/plain") for i in range(10)], {"content": "x"}))
    assert len(m["attachments"]) == 10


def test_a_store_that_dies_gives_503_and_no_message(seaweedfs, make_server):
    srv = make_server(S3_CALL_DEADLINE_MS="3000")
    owner = new_client(srv, "owner")
    ch = general(owner, make_guild(owner)["id"])
    seaweedfs.kill()
    try:
        r = send_files(owner, ch["id"], [("a.bin", b"z" * 200000, "application/octet-stream")], {"content": "x"})
        assert r.status_code == 503, r.text
        assert "code" in r.json() and "message" in r.json()
        assert ok(owner.get(f"/channels/{ch['id']}/messages")) == []
    finally:
        seaweedfs.start()


def test_a_deletion_the_store_refused_is_done_later_even_after_a_restart(seaweedfs, make_server):
    srv = make_server()
    owner = new_client(srv, "owner")
    ch = general(owner, make_guild(owner)["id"])
    m = presigned(owner, ch["id"], "a.bin", b"q" * 5000)
    key = key_of(m["attachments"][0])
    seaweedfs.kill()
    try:
        ok(owner.delete(f"/channels/{ch['id']}/messages/{m['id']}"), 204)
        time.sleep(2)
        srv.stop()
    finally:
        seaweedfs.start()
    assert exists(srv, key), "the store was down: the object is still there"
    prefix = srv.env["TABLE_PREFIX"]
    again = make_server(prefix=prefix)
    assert wait_gone(again, key, timeout=30), "the restarted server's job deleted it"


def test_the_links_a_message_gives_read_the_bytes_back(server, room):
    owner, g, ch = room
    picture, blob = png(20, 10), bytes(range(256)) * 1000
    m = ok(send_files(owner, ch["id"], [("p.png", picture, "image/png"), ("b.bin", blob, "application/x")],
                      {"content": "cdn"}))
    fetched = ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}"))
    for sent in (m, fetched):
        pic, data = sent["attachments"]
        for a, body in ((pic, picture), (data, blob)):
            for url in (a["url"], a["proxy_url"]):
                r = requests.get(url, timeout=30)
                assert r.status_code == 200 and r.content == body, (url, r.status_code)
        assert requests.get(pic["url"], timeout=30).headers["Content-Type"].startswith("image/png")


def test_an_altered_or_expired_link_is_refused(make_server):
    srv = make_server(CDN_URL_TTL_SECONDS="10")
    owner = new_client(srv, "owner")
    ch = general(owner, make_guild(owner)["id"])
    m = ok(send_files(owner, ch["id"], [("a.txt", b"secret\n", "text/plain")], {"content": "x"}))
    url = m["attachments"][0]["url"]
    assert requests.get(url, timeout=30).content == b"secret\n"
    parts = urllib.parse.urlsplit(url)
    q = urllib.parse.parse_qs(parts.query)
    hm = q["hm"][0]
    altered = url.replace(hm, ("0" if hm[0] != "0" else "1") + hm[1:])
    assert requests.get(altered, timeout=30).status_code == 404
    assert requests.get(url.replace("/a.txt", "/b.txt"), timeout=30).status_code == 404
    assert requests.get(url.split("?")[0], timeout=30).status_code == 404
    longer = url.replace(f"ex={q['ex'][0]}", f"ex={int(q['ex'][0], 16) + 3600:x}")
    assert requests.get(longer, timeout=30).status_code == 404, "a later expiry is not signed"
    time.sleep(11.5)
    assert requests.get(url, timeout=30).status_code == 404, "expired"
    fresh = ok(owner.get(f"/channels/{ch['id']}/messages/{m['id']}"))["attachments"][0]["url"]
    assert requests.get(fresh, timeout=30).content == b"secret\n", "fetching the message signs it anew"
