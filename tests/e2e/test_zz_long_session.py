"""Last of the e2e files on purpose: the session conftest.long_session opened when the run began has been
heartbeating all along (the HTTP idle timer used to cut every gateway session after 60 s)."""
import time

from conftest import LONG_SESSION_SECONDS


def test_a_session_stays_open_for_ten_minutes(long_session):
    s = long_session
    left = LONG_SESSION_SECONDS - (time.monotonic() - s.started)
    while left > 0 and s.closed is None:
        time.sleep(min(left, 5))
        left = LONG_SESSION_SECONDS - (time.monotonic() - s.started)
    assert s.closed is None, f"the session ended after {s.closed:.0f} s: {s.error}"
    interval = s.gw.hello["d"]["heartbeat_interval"] / 1000
    # The helper heartbeats every half interval; each one is acknowledged.
    assert s.acks >= int(LONG_SESSION_SECONDS / (interval / 2)) - 2, s.acks
    s.gw.send(1, s.gw.seq)
    acks = s.acks
    deadline = time.monotonic() + 10
    while s.acks == acks and time.monotonic() < deadline:
        time.sleep(0.1)
    assert s.acks > acks, "no answer to a heartbeat at the end"
