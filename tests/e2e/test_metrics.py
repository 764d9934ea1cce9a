"""GET /metrics: Prometheus' text format, requests by route and status, DynamoDB calls, events, sessions."""
import json

import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import free_port, wait_until
from gateway_helpers import Gateway
from guild_helpers import general, make_guild, new_client, ok

FAMILIES = {
    "sd_http_requests": "counter", "sd_http_request_duration_seconds": "histogram",
    "sd_http_requests_in_flight": "gauge", "sd_dynamodb_calls": "counter", "sd_dynamodb_retries": "counter",
    "sd_dynamodb_call_duration_seconds": "histogram", "sd_gateway_sessions": "gauge",
    "sd_events_published": "counter", "sd_events_delivered": "counter", "sd_broker_connected": "gauge",
    "sd_ratelimit_rejections": "counter",
}


def scrape(server):
    r = requests.get(server.url("/metrics"), timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    families = {f.name: f for f in text_string_to_metric_families(r.text)}
    for name, kind in FAMILIES.items():
        assert families[name].type == kind, name
    return families


def value(families, family, sample_name, **labels):
    """The value of the one sample with these labels (0 when absent)."""
    found = [s.value for s in families[family].samples
             if s.name == sample_name and all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(found) <= 1, found
    return found[0] if found else 0


def test_requests_calls_events_and_sessions_are_counted(make_server):
    server = make_server()
    alice = new_client(server, "alice")
    guild = make_guild(alice)
    channel = general(alice, guild["id"])
    gw = Gateway(server)
    try:
        gw.identify(alice.token)
        before = scrape(server)
        assert value(before, "sd_gateway_sessions", "sd_gateway_sessions") == 1
        assert value(before, "sd_broker_connected", "sd_broker_connected") == -1
        route = "/api/v10/channels/{channel_id}/messages"
        for i in range(3):
            ok(alice.post(f"/channels/{channel['id']}/messages", {"content": f"m{i}"}))
            gw.expect("MESSAGE_CREATE")
        bad = alice.post(f"/channels/{channel['id']}/messages", {"content": ""})
        assert bad.status_code == 400
        assert requests.get(server.url("/no/such/place/12345"), timeout=10).status_code == 404
        after = scrape(server)
    finally:
        gw.close()

    def delta(family, sample, **labels):
        return value(after, family, sample, **labels) - value(before, family, sample, **labels)

    assert delta("sd_http_requests", "sd_http_requests_total", method="POST", route=route, status="200") == 3
    assert delta("sd_http_requests", "sd_http_requests_total", method="POST", route=route, status="400") == 1
    assert delta("sd_http_request_duration_seconds", "sd_http_request_duration_seconds_count",
                 method="POST", route=route) == 4
    # A path no route knows is counted under one label, never under the path itself.
    assert value(after, "sd_http_requests", "sd_http_requests_total", method="GET", route="unmatched",
                 status="404") >= 1
    assert not any("no/such/place" in json.dumps(s.labels) for f in after.values() for s in f.samples)
    assert delta("sd_events_published", "sd_events_published_total", type="MESSAGE_CREATE") == 3
    assert delta("sd_events_delivered", "sd_events_delivered_total", type="MESSAGE_CREATE") == 3
    assert sum(s.value for s in after["sd_dynamodb_calls"].samples if s.labels["outcome"] == "ok") > 0
    buckets = [s for s in after["sd_http_request_duration_seconds"].samples
               if s.name.endswith("_bucket") and s.labels.get("route") == route]
    assert buckets and buckets[-1].labels["le"] == "+Inf"
    assert [b.value for b in buckets] == sorted(b.value for b in buckets)  # cumulative


def test_dynamodb_failures_show_as_retries_and_errors(make_server):
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    server = make_server(prefix="tdead-", endpoint=dead, wait_healthy=False)
    r = requests.post(server.url("/api/v10/auth/login"), json={"login": "nobody", "password": "x" * 10},
                      timeout=60)
    assert r.status_code == 503, r.text
    assert set(r.json()) >= {"code", "message"}
    families = scrape(server)
    retries = sum(s.value for s in families["sd_dynamodb_retries"].samples)
    failed = [s for s in families["sd_dynamodb_calls"].samples if s.labels["outcome"] != "ok"]
    assert retries >= 1 and failed and all(s.labels["outcome"] == "unavailable" for s in failed)
    assert value(families, "sd_http_requests", "sd_http_requests_total", method="POST",
                 route="/api/v10/auth/login", status="503") == 1


def test_every_answer_has_a_request_id_that_the_log_names(make_server):
    server = make_server()
    r = requests.get(server.url("/api/v10/gateway"), timeout=10)
    rid = r.headers["X-Request-Id"]
    assert len(rid) == 16
    wait_until(lambda: rid in server.log_text(), 5, "the request's log line")
    line = [json.loads(x) for x in server.log_text().splitlines() if rid in x][0]
    assert line["msg"] == "request" and line["path"] == "/api/v10/gateway" and line["status"] == 200
