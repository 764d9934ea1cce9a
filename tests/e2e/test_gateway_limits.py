"""What a gateway client controls is bounded: the time it may stay without logging in, the size of what it sends
(however fragmented), and the number of sockets one address may hold."""
import base64
import json
import select
import os
import struct
import time

import pytest
import websocket
from websocket import ABNF

from conftest import proc_status_kib
from gateway_helpers import Gateway
from guild_helpers import new_client

LIMIT = 4096


def heartbeat_of(size):
    """A valid heartbeat of exactly size bytes (padded with a field the server ignores)."""
    base = json.dumps({"op": 1, "d": None, "pad": ""})
    text = json.dumps({"op": 1, "d": None, "pad": "x" * (size - len(base))})
    assert len(text) == size
    return text


def send_fragmented(gw, text, size=64):
    """Sends text as one message: a text frame and continuation frames of size bytes each."""
    parts = [text[i:i + size] for i in range(0, len(text), size)]
    for i, part in enumerate(parts):
        op = ABNF.OPCODE_TEXT if i == 0 else ABNF.OPCODE_CONT
        gw.ws.send_frame(ABNF.create_frame(part, op, fin=int(i == len(parts) - 1)))


def masked_header(opcode, length, fin=True):
    """A client frame header for a payload of length bytes, with an all-zero mask (the payload goes as is)."""
    first = (0x80 if fin else 0) | opcode
    if length < 126:
        head = struct.pack("!BB", first, 0x80 | length)
    elif length < 65536:
        head = struct.pack("!BBH", first, 0x80 | 126, length)
    else:
        head = struct.pack("!BBQ", first, 0x80 | 127, length)
    return head + b"\0\0\0\0"


def upgrade_status(srv, *headers):
    """The answer to a WebSocket upgrade that is expected to be refused (a 101 would leave requests waiting)."""
    import requests
    h = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
         "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}
    h.update(dict(x.split(": ", 1) for x in headers))
    return requests.get(srv.url("/gateway?v=10&encoding=json"), headers=h, timeout=5)


def eventually_opens(srv, *headers, within=5.0):
    deadline = time.time() + within
    while True:
        try:
            return Gateway(srv, heartbeat=False, header=headers)
        except websocket.WebSocketBadStatusException as e:
            assert e.status_code == 429
            if time.time() > deadline:
                raise
            time.sleep(0.1)


# ---- IDENTIFY deadline ----

def test_a_socket_that_never_identifies_is_closed_with_4003(make_server):
    srv = make_server(GATEWAY_IDENTIFY_TIMEOUT_MS="1000", GATEWAY_HEARTBEAT_MS="60000")
    start = time.time()
    gw = Gateway(srv, heartbeat=False)
    gw.send(1, None)  # heartbeats do not count as logging in
    assert gw.recv()["op"] == 11
    code, reason = gw.close_frame(timeout=10)
    took = time.time() - start
    assert (code, reason) == (4003, "Not authenticated.")
    assert 0.9 <= took < 5, took


def test_an_identified_session_outlives_the_deadline(make_server):
    srv = make_server(GATEWAY_IDENTIFY_TIMEOUT_MS="1000", GATEWAY_HEARTBEAT_MS="60000")
    user = new_client(srv, "ident")
    gw = Gateway(srv, heartbeat=False)
    gw.identify(user.token)
    time.sleep(2.5)
    gw.send(1, gw.seq)
    assert gw.recv()["op"] == 11, "still open after the deadline"
    gw.close()


# ---- payload size ----

@pytest.fixture
def small_server(make_server):
    return make_server(GATEWAY_HEARTBEAT_MS="60000")


def test_a_message_of_the_limit_is_processed_and_one_byte_more_is_a_decode_error(small_server):
    gw = Gateway(small_server, heartbeat=False)
    gw.ws.send(heartbeat_of(4000))
    assert gw.recv()["op"] == 11
    gw.ws.send(heartbeat_of(LIMIT))
    assert gw.recv()["op"] == 11
    gw.ws.send(heartbeat_of(LIMIT + 1))
    assert gw.close_frame() == (4002, "Decode error")


def test_fragments_are_assembled_up_to_the_limit_and_not_beyond(small_server):
    gw = Gateway(small_server, heartbeat=False)
    send_fragmented(gw, heartbeat_of(4000))
    assert gw.recv()["op"] == 11, "a fragmented message under the limit is one message"
    over = Gateway(small_server, heartbeat=False)
    send_fragmented(over, heartbeat_of(LIMIT + 64))
    assert over.close_frame() == (4002, "Decode error")


def stream_until_closed(gw, first, then, budget=16 << 20):
    """Sends first, then then over and over, until the server closes (or budget bytes have gone out); returns the
    bytes sent and the server's close code."""
    sock = gw.ws.sock
    sock.settimeout(5)
    sock.sendall(first)
    sent = len(first)
    while sent < budget and not select.select([sock], [], [], 0)[0]:
        try:
            sock.sendall(then * 64)
        except OSError:  # closed, or no longer read
            break
        sent += len(then) * 64
    return sent, gw.close_code()


def test_what_a_client_sends_does_not_grow_the_servers_memory(small_server):
    """A server that kept what a client sends would hold megabytes here: this one closes within the limit."""
    srv = small_server
    warm = Gateway(srv, heartbeat=False)
    send_fragmented(warm, heartbeat_of(4000))
    assert warm.recv()["op"] == 11
    before = proc_status_kib(srv.proc.pid)
    fragment = masked_header(ABNF.OPCODE_CONT, 1024, fin=False) + b"x" * 1024
    # a frame announcing a gigabyte: refused at its header, before any of it is kept
    sent, code = stream_until_closed(Gateway(srv, heartbeat=False), masked_header(ABNF.OPCODE_TEXT, 1 << 30),
                                     b"x" * 1024)
    assert code == 4002 and sent < 4 << 20, (code, sent)
    # a message of endless small fragments: refused once they add up to more than the limit
    sent, code = stream_until_closed(Gateway(srv, heartbeat=False),
                                     masked_header(ABNF.OPCODE_TEXT, 1024, fin=False) + b"x" * 1024, fragment)
    assert code == 4002 and sent < 4 << 20, (code, sent)
    grown = proc_status_kib(srv.proc.pid) - before
    assert grown < 8192, f"the server grew by {grown} KiB"
    warm.send(1, None)
    assert warm.recv()["op"] == 11


# ---- sockets per address ----

def test_sockets_per_address_are_capped_until_one_closes(make_server):
    srv = make_server(GATEWAY_MAX_SESSIONS_PER_ADDRESS="3", GATEWAY_HEARTBEAT_MS="60000")
    open_ = [Gateway(srv, heartbeat=False) for _ in range(3)]
    r = upgrade_status(srv)
    assert r.status_code == 429
    body = r.json()
    assert body["code"] == 0 and "message" in body and body["retry_after"] > 0
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        Gateway(srv, heartbeat=False)
    assert e.value.status_code == 429
    open_.pop().close()
    open_.append(eventually_opens(srv))
    assert upgrade_status(srv).status_code == 429, "the freed place was taken again"
    for gw in open_:
        gw.close()


def test_behind_a_trusted_proxy_each_forwarded_client_counts_apart(make_server):
    srv = make_server(GATEWAY_MAX_SESSIONS_PER_ADDRESS="2", TRUSTED_PROXIES="127.0.0.1",
                      GATEWAY_HEARTBEAT_MS="60000")
    a = "X-Forwarded-For: 198.51.100.1"
    b = "X-Forwarded-For: 198.51.100.2"
    first = [Gateway(srv, heartbeat=False, header=[a]) for _ in range(2)]
    assert upgrade_status(srv, a).status_code == 429
    second = [Gateway(srv, heartbeat=False, header=[b]) for _ in range(2)]
    assert upgrade_status(srv, b).status_code == 429
    # an entry the client wrote itself, left of the proxy's, does not make it someone else
    assert upgrade_status(srv, "X-Forwarded-For: 203.0.113.9, 198.51.100.1").status_code == 429
    for gw in first + second:
        gw.close()


def test_without_trusted_proxies_forwarded_for_is_ignored(make_server):
    srv = make_server(GATEWAY_MAX_SESSIONS_PER_ADDRESS="2", GATEWAY_HEARTBEAT_MS="60000")
    first = [Gateway(srv, heartbeat=False, header=[f"X-Forwarded-For: 198.51.100.{i}"]) for i in range(2)]
    assert upgrade_status(srv, "X-Forwarded-For: 198.51.100.7").status_code == 429
    for gw in first:
        gw.close()


# ---- framing around the assembly ----

def test_a_ping_between_fragments_is_answered_and_the_message_still_whole(small_server):
    gw = Gateway(small_server, heartbeat=False)
    text = heartbeat_of(300)
    gw.ws.send_frame(ABNF.create_frame(text[:100], ABNF.OPCODE_TEXT, fin=0))
    gw.ws.send_frame(ABNF.create_frame("are you there", ABNF.OPCODE_PING))
    gw.ws.send_frame(ABNF.create_frame(text[100:], ABNF.OPCODE_CONT, fin=1))
    got = [gw.ws.recv_data(control_frame=True) for _ in range(2)]  # the pong may follow the answer
    assert sorted(got) == sorted([(ABNF.OPCODE_PONG, b"are you there"), (ABNF.OPCODE_TEXT, b'{"op":11}')])


@pytest.mark.parametrize("frame, code", [
    (ABNF.create_frame(b"\x01\x02", ABNF.OPCODE_BINARY), 4002),  # binary is taken as JSON text, as Discord does
    (ABNF.create_frame(b'{"op":1,"d":"\xff"}', ABNF.OPCODE_TEXT), 1007),
    (ABNF.create_frame("{}", ABNF.OPCODE_CONT), 1002),
])
def test_binary_bad_utf8_and_stray_continuations_close_as_the_rfc_says(small_server, frame, code):
    gw = Gateway(small_server, heartbeat=False)
    gw.ws.send_frame(frame)
    assert gw.close_code() == code
