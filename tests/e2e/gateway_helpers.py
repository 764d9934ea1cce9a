"""A small gateway client for the tests: a real WebSocket (websocket-client) speaking Discord's gateway JSON."""
import json
import threading
import time

import websocket

ALL_INTENTS = (1 << 16) - 1


class Gateway:
    def __init__(self, server, path="/gateway?v=10&encoding=json", heartbeat=True, sockopt=(), header=()):
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}{path}", timeout=10,
                                              sockopt=sockopt, header=list(header))
        self.seq = None
        self.session_id = None
        self.hello = self.recv()
        self.stopped = threading.Event()
        if heartbeat and self.hello.get("op") == 10:
            interval = self.hello["d"]["heartbeat_interval"] / 1000
            threading.Thread(target=self._beat, args=(interval,), daemon=True).start()

    def _beat(self, interval):
        while not self.stopped.wait(interval / 2):
            try:
                self.send(1, self.seq)
            except Exception:
                return

    def send(self, op, d):
        self.ws.send(json.dumps({"op": op, "d": d}))

    def recv(self, timeout=10):
        self.ws.settimeout(timeout)
        msg = json.loads(self.ws.recv())
        if msg.get("s") is not None:
            self.seq = msg["s"]
        return msg

    def identify(self, token, intents=ALL_INTENTS):
        self.send(2, {"token": token, "intents": intents, "properties": {"os": "linux", "browser": "t", "device": "t"}})
        ready = self.expect("READY")
        self.session_id = ready["d"]["session_id"]
        for _ in ready["d"]["guilds"]:
            self.expect("GUILD_CREATE")
        return ready

    def expect(self, event, timeout=10, match=lambda d: True):
        """The next dispatch of type event (others are skipped)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg = self.recv(max(0.1, deadline - time.time()))
            if msg.get("op") == 0 and msg.get("t") == event and match(msg["d"]):
                return msg
        raise AssertionError(f"no {event} within {timeout} s")

    def none(self, event, within=1.0, match=lambda d: True):
        """Asserts no dispatch of type event arrives within the time."""
        deadline = time.time() + within
        while time.time() < deadline:
            try:
                msg = self.recv(max(0.05, deadline - time.time()))
            except websocket.WebSocketTimeoutException:
                return
            assert not (msg.get("op") == 0 and msg.get("t") == event and match(msg["d"])), msg

    def close_code(self, timeout=10):
        """Reads until the server closes; returns its close code."""
        self.ws.settimeout(timeout)
        while True:
            try:
                op, data = self.ws.recv_data(control_frame=True)
            except websocket.WebSocketConnectionClosedException:
                return None
            if op == websocket.ABNF.OPCODE_CLOSE:
                return int.from_bytes(data[:2], "big") if len(data) >= 2 else None

    def close_frame(self, timeout=10):
        """Reads until the server closes; returns its close code and reason."""
        self.ws.settimeout(timeout)
        while True:
            try:
                op, data = self.ws.recv_data(control_frame=True)
            except websocket.WebSocketConnectionClosedException:
                return None, None
            if op == websocket.ABNF.OPCODE_CLOSE:
                return (int.from_bytes(data[:2], "big"), data[2:].decode()) if len(data) >= 2 else (None, None)

    def close(self):
        self.stopped.set()
        try:
            self.ws.close()
        except Exception:
            pass


def connections(server, compress):
    """Gateway sockets the server opened with that compression (sd_gateway_connections_total, from /metrics)."""
    series = f'sd_gateway_connections_total{{compress="{compress}"}} '
    for line in server.get("/metrics").text.splitlines():
        if line.startswith(series):
            return float(line.split()[-1])
    return 0.0
