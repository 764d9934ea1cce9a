"""Gateway compression as Discord offers it, decoded by standard decoders: transport compression
(?compress=zlib-stream: one deflate stream per socket, each message ending in Z_SYNC_FLUSH's 00 00 ff ff;
?compress=zstd-stream: one zstd stream per socket, flushed per message), payload compression (IDENTIFY's
compress: true: big dispatches alone as complete zlib streams), client payloads in binary frames, and the
answer to a compression or an encoding the server does not speak."""
import json
import zlib

import pytest
import websocket
import zstandard
from websocket import ABNF

from gateway_helpers import ALL_INTENTS, Gateway, connections
from guild_helpers import general, invite_code, join, make_guild, new_client, ok

COMPRESSIONS = ["zlib-stream", "zstd-stream"]
SYNC_FLUSH = b"\x00\x00\xff\xff"


class Compressed(Gateway):
    """A gateway client on a transport-compressed socket: one decoder for the whole connection."""

    def __init__(self, server, compress, **kw):
        self.compress = compress
        self.frames = []  # every server message as it came, compressed
        if compress == "zlib-stream":
            self.decoder = zlib.decompressobj()
        else:
            self.decoder = zstandard.ZstdDecompressor().decompressobj()
        super().__init__(server, path=f"/gateway?v=10&encoding=json&compress={compress}", **kw)

    def recv(self, timeout=10):
        self.ws.settimeout(timeout)
        op, data = self.ws.recv_data()
        assert op == ABNF.OPCODE_BINARY, (op, data[:80])
        self.frames.append(data)
        if self.compress == "zlib-stream":
            assert data.endswith(SYNC_FLUSH)
        msg = json.loads(self.decoder.decompress(data))
        if msg.get("s") is not None:
            self.seq = msg["s"]
        return msg


def identify(gw, token, **extra):
    gw.send(2, {"token": token, "intents": ALL_INTENTS, "properties": {"os": "linux", "browser": "t", "device": "t"},
                **extra})
    ready = gw.expect("READY")
    gw.session_id = ready["d"]["session_id"]
    return ready


@pytest.fixture
def room(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    member = new_client(server, "member")
    join(member, invite_code(owner, ch["id"]))
    return server, owner, member, g, ch


def without(d, *keys):
    return {k: v for k, v in d.items() if k not in keys}


@pytest.mark.parametrize("compress", COMPRESSIONS)
def test_a_compressed_session_decodes_to_what_a_plain_one_gets(room, compress):
    srv, owner, member, g, ch = room
    before = connections(srv, compress)
    plain = Gateway(srv)
    packed = Compressed(srv, compress)
    try:
        assert packed.hello == plain.hello and packed.hello["op"] == 10
        assert connections(srv, compress) == before + 1
        # discord.py asks for both; Discord leaves payload compression off under transport compression.
        ready = [identify(plain, member.token), identify(packed, member.token, compress=True)]
        assert without(ready[1]["d"], "session_id") == without(ready[0]["d"], "session_id")
        created = [gw.expect("GUILD_CREATE")["d"] for gw in (plain, packed)]
        # Presences differ by which of the two was online first; everything else is the same.
        assert without(created[1], "presences") == without(created[0], "presences")
        assert created[1]["id"] == g["id"] and member.id in [m["user"]["id"] for m in created[1]["members"]]
        sent = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "squeezed " * 50}))
        got = [gw.expect("MESSAGE_CREATE", match=lambda d: d["id"] == sent["id"]) for gw in (plain, packed)]
        assert got[1]["d"] == got[0]["d"] and got[1]["t"] == "MESSAGE_CREATE"
        packed.send(1, packed.seq)
        assert any(packed.recv()["op"] == 11 for _ in range(3))
        # One stream for the whole socket: later messages lean on earlier ones, so they shrink.
        assert len(packed.frames) >= 5
    finally:
        plain.close()
        packed.close()


def test_zlib_stream_messages_need_the_earlier_ones(room):
    """Each message continues the one stream: decoded alone (a new inflater), a later message fails."""
    srv, owner, member, g, ch = room
    gw = Compressed(srv, "zlib-stream")
    identify(gw, member.token)
    gw.expect("GUILD_CREATE")
    later = gw.frames[-1]
    assert later.endswith(SYNC_FLUSH)
    with pytest.raises(zlib.error):
        zlib.decompressobj().decompress(later)
    gw.close()


@pytest.mark.parametrize("compress", COMPRESSIONS)
def test_resume_on_a_compressed_socket_replays_through_its_new_stream(room, compress):
    srv, owner, member, g, ch = room
    gw = Compressed(srv, compress)
    identify(gw, member.token)
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "before"}))
    gw.expect("MESSAGE_CREATE")
    seq, sid = gw.seq, gw.session_id
    gw.stopped.set()
    gw.ws.sock.close()  # dropped without a close frame: resumable
    sent = [ok(owner.post(f"/channels/{ch['id']}/messages", {"content": f"missed {i}"}))["id"] for i in range(3)]
    again = Compressed(srv, compress)  # a new socket: a new stream, a new decoder
    again.send(6, {"token": member.token, "session_id": sid, "seq": seq})
    replayed = []
    while not replayed or replayed[-1]["t"] != "RESUMED":
        msg = again.recv()
        if msg["op"] == 0:
            replayed.append(msg)
    # Every dispatch missed, in order, decoded by the new socket's own decoder.
    assert [m["s"] for m in replayed[:-1]] == list(range(seq + 1, seq + len(replayed)))
    assert [m["d"]["id"] for m in replayed if m["t"] == "MESSAGE_CREATE"] == sent
    ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "live"}))
    assert again.expect("MESSAGE_CREATE")["d"]["content"] == "live"
    again.close()


def test_client_payloads_in_binary_frames_are_taken(room):
    srv, owner, member, g, ch = room
    gw = Gateway(srv, heartbeat=False)
    gw.ws.send_binary(json.dumps({"op": 1, "d": None}).encode())
    assert gw.recv() == {"op": 11}
    hello = {"op": 2, "d": {"token": member.token, "intents": ALL_INTENTS, "properties": {}}}
    gw.ws.send_binary(json.dumps(hello).encode())
    assert gw.expect("READY")["d"]["user"]["id"] == member.id
    gw.close()
    # Binary is JSON text too: what is not JSON is a decode error, as in a text frame.
    bad = Gateway(srv, heartbeat=False)
    bad.ws.send_binary(b"\x78\x9c\x01\x02")
    assert bad.close_frame() == (4002, "Decode error")


def test_payload_compression_sends_ready_as_one_zlib_stream(room):
    srv, owner, member, g, ch = room
    gw = Gateway(srv, heartbeat=False)
    gw.send(2, {"token": member.token, "intents": ALL_INTENTS, "properties": {}, "compress": True})
    gw.ws.settimeout(10)
    op, data = gw.ws.recv_data()
    assert op == ABNF.OPCODE_BINARY
    ready = json.loads(zlib.decompress(data))  # complete: no shared context between payloads
    assert ready["t"] == "READY" and ready["s"] == 1 and ready["d"]["user"]["id"] == member.id
    # Small payloads stay plain text.
    gw.ws.send(json.dumps({"op": 1, "d": 1}))
    ops = []
    while 11 not in ops:
        op, data = gw.ws.recv_data()
        text = zlib.decompress(data) if op == ABNF.OPCODE_BINARY else data
        msg = json.loads(text)
        ops.append(msg["op"])
        if msg["op"] == 11:
            assert op == ABNF.OPCODE_TEXT
    gw.close()


def test_payload_compression_that_is_not_a_boolean_is_a_decode_error(room):
    srv, owner, member, g, ch = room
    gw = Gateway(srv, heartbeat=False)
    gw.send(2, {"token": member.token, "intents": ALL_INTENTS, "properties": {}, "compress": "yes"})
    assert gw.close_frame() == (4002, "Decode error")


@pytest.mark.parametrize("query, reason", [
    ("compress=zlib", "Invalid compression"),
    ("compress=gzip-stream", "Invalid compression"),
    ("encoding=etf", "Invalid encoding: json only"),
    ("encoding=etf&compress=zlib-stream", "Invalid encoding: json only"),
])
def test_a_compression_or_encoding_the_server_does_not_speak_is_refused(server, query, reason):
    ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}/gateway?v=10&{query}", timeout=10)
    op, data = ws.recv_data(control_frame=True)
    assert op == ABNF.OPCODE_CLOSE  # before HELLO
    assert (int.from_bytes(data[:2], "big"), data[2:].decode()) == (4002, reason)
    ws.close()


def test_no_compression_named_is_a_plain_socket(server):
    for path in ("/gateway?v=10&encoding=json&compress=", "/gateway?v=10"):
        gw = Gateway(server, path=path, heartbeat=False)
        assert gw.hello["op"] == 10
        gw.close()


def test_a_slow_compressed_consumer_is_closed_resumably_and_resumes(make_server):
    """A compressed socket's queue counts against the same limit: one that stops reading is cut off (its
    compressed bytes pile up, not the server's memory), then resumes on a new stream with what it missed."""
    import random
    import socket
    import string

    srv = make_server(GATEWAY_HEARTBEAT_MS="5000", GATEWAY_MAX_QUEUED_BYTES="32768")
    owner = new_client(srv, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    slow = Compressed(srv, "zstd-stream", sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
    identify(slow, owner.token)
    slow.expect("GUILD_CREATE")
    rng = random.Random(5)
    sent = []
    for i in range(150):  # random letters: about 1.4 KB each once compressed
        text = "".join(rng.choice(string.ascii_letters) for _ in range(1900))
        sent.append(ok(owner.post(f"/channels/{ch['id']}/messages", {"content": f"{i:04d} {text}"}))["id"])
    got = []
    slow.ws.settimeout(5)
    while True:
        try:
            op, data = slow.ws.recv_data(control_frame=True)
        except (websocket.WebSocketException, ConnectionError):
            break
        if op == ABNF.OPCODE_CLOSE:
            break
        msg = json.loads(slow.decoder.decompress(data))
        slow.seq = msg.get("s") or slow.seq
        if msg.get("t") == "MESSAGE_CREATE":
            got.append(msg["d"]["id"])
    assert len(got) < len(sent), "the slow session was never cut off"
    assert got == sent[:len(got)]
    fresh = Compressed(srv, "zstd-stream")
    fresh.send(6, {"token": owner.token, "session_id": slow.session_id, "seq": slow.seq})
    replayed = []
    while len(got) + len(replayed) < len(sent):
        msg = fresh.recv()
        if msg.get("op") == 0 and msg["t"] == "MESSAGE_CREATE":
            replayed.append(msg["d"]["id"])
    assert got + replayed == sent
    fresh.close()


@pytest.mark.parametrize("compress", COMPRESSIONS)
def test_a_compressed_broadcast_to_a_socket_with_a_queue_arrives_whole_and_in_order(make_server, compress):
    """A socket that reads slowly has a queue: each broadcast's copy for it is compressed after what waits
    there and queued behind it (the frames whole, the stream in order), while a fast socket on the same
    broadcast gets each at once."""
    import random
    import socket
    import string

    srv = make_server(GATEWAY_HEARTBEAT_MS="30000", GATEWAY_MAX_QUEUED_BYTES=str(4 << 20))
    owner = new_client(srv, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    slow = Compressed(srv, compress, sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
    identify(slow, owner.token)
    slow.expect("GUILD_CREATE")
    fast = Compressed(srv, compress)
    identify(fast, owner.token)
    fast.expect("GUILD_CREATE")
    rng = random.Random(7)
    sent = []
    for i in range(80):  # random letters: about 1.4 KB each once compressed, far more than the socket holds
        text = "".join(rng.choice(string.ascii_letters) for _ in range(1900))
        sent.append(ok(owner.post(f"/channels/{ch['id']}/messages", {"content": f"{i:04d} {text}"}))["id"])
        msg = fast.expect("MESSAGE_CREATE")
        assert msg["d"]["id"] == sent[-1]
    got, seqs = [], []
    while len(got) < len(sent):
        msg = slow.recv()
        if msg.get("t") == "MESSAGE_CREATE":
            got.append(msg["d"]["id"])
            seqs.append(msg["s"])
    assert got == sent
    assert seqs == list(range(seqs[0], seqs[0] + len(sent)))
    slow.close()
    fast.close()
