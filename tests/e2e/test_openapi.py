"""The OpenAPI document: served at /openapi.json, true to the router's table, and checked against the live server
by Schemathesis (from PyPI): no 5xx, no answer outside the documented schema, no crash."""
import json
import re
import subprocess

import requests

from conftest import BINARY, ROOT
from guild_helpers import general, invite_code, make_guild, new_client, ok

ST = ROOT / ".local" / "schemathesis" / "bin" / "st"
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"
NOT_REST = {("GET", "/gateway")}  # the WebSocket: OpenAPI does not describe it


def documented(doc):
    ops = set()
    prefixes = [s["url"] for s in doc["servers"]]
    for path, item in doc["paths"].items():
        bases = [s["url"].rstrip("/") for s in item.get("servers", [])] or prefixes
        for method in item:
            if method != "servers":
                ops |= {(method.upper(), base + path) for base in bases}
    return ops


def test_the_document_describes_every_route_and_nothing_else(server):
    r = requests.get(server.url("/openapi.json"), timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
    doc = r.json()
    assert doc == json.loads((ROOT / "config" / "openapi.json").read_text())
    assert doc["openapi"].startswith("3.1")
    out = subprocess.run([str(BINARY), "routes"], capture_output=True, text=True, check=True).stdout
    routes = {tuple(line.split(" ", 1)) for line in out.splitlines()}
    assert len(routes) > 100
    assert documented(doc) == routes - NOT_REST
    ids = [o["operationId"] for item in doc["paths"].values() for m, o in item.items() if m != "servers"]
    assert len(ids) == len(set(ids)), "operation ids are unique"


def schemathesis(server, base, token, workdir, config=None, extra=()):
    args = [str(ST)] + (["--config-file", str(config)] if config else []) + [
        "run", server.url("/openapi.json"), "--url", server.url(base), "-H", f"Authorization: {token}",
        "--max-examples", "25", "--checks", CHECKS, "--request-timeout", "20", "--no-color",
        # logging out retires the run's token, which would leave the rest of the run to 401s (test_logout.py)
        "--exclude-path", "/auth/logout", *extra]
    r = subprocess.run(args, capture_output=True, text=True, timeout=900, cwd=workdir)  # its cache goes there
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]
    assert " passed" in r.stdout and "failure" not in r.stdout.split("SUMMARY")[-1], r.stdout[-3000:]


def planned_methods():
    """Path -> the methods docs/COMPATIBILITY.md lists as not served yet, for paths that also have served ones."""
    rows = re.findall(r"^\| (\w+) \| `([^`]+)` \| (served|not yet)", (ROOT / "docs" / "COMPATIBILITY.md").read_text(),
                      re.M)
    served = {path for _, path, state in rows if state == "served"}
    planned = {}
    for method, path, state in rows:
        if state != "served" and path in served:
            planned.setdefault(path, set()).add(method)
    return planned


def unexpected_methods_config():
    """Schemathesis tries methods a path's document lacks and expects 405; a method Discord has that this server
    does not serve yet answers 501 by design (tests/e2e/test_compatibility.py checks that), so it is not tried."""
    out = ""
    for path, methods in sorted(planned_methods().items()):
        others = sorted({"GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "TRACE"} - methods)
        out += f'[[operations]]\ninclude-path = "{path}"\nphases.coverage.unexpected-methods = {others}\n'.replace("'", '"')
    return out


def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(make_server, tmp_path):
    assert ST.exists(), f"{ST} is missing: run ./task setup"
    server = make_server()
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    msg = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "hello"}))
    role = ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "role"}))
    code = invite_code(owner, ch["id"])
    # Real ids in every path, so that answers on the success side are checked too; nothing is deleted in this
    # run, so that they stay real.
    pinned = {"user_id": owner.id, "guild_id": g["id"], "channel_id": ch["id"], "message_id": msg["id"],
              "role_id": role["id"], "overwrite_id": role["id"], "code": code, "emoji": "%F0%9F%91%8D"}
    config = tmp_path / "schemathesis.toml"
    config.write_text("[parameters]\n" + "".join(f'"path.{k}" = "{v}"\n' for k, v in pinned.items()) +
                      unexpected_methods_config())
    schemathesis(server, "/api/v10", owner.token, tmp_path, config, ["--exclude-method", "DELETE"])
    # Then every operation, deletes included, with generated ids, under the other version prefix.
    generated = tmp_path / "generated.toml"
    generated.write_text(unexpected_methods_config())
    schemathesis(server, "/api/v1", owner.token, tmp_path, generated)
    assert requests.get(server.url("/healthz"), timeout=10).status_code == 200
