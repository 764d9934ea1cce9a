"""task bench: the message send path against its raw ceiling, in one run.

1. POST /channels/{id}/messages through the real server, loaded by wrk on loopback (C connections, T seconds).
2. The same DynamoDB writes made straight through db/dynamo with the same concurrency (bench_dynamo_writes).
Both against one DynamoDB Local. Prints both figures and their ratio (the goal is >= 0.8).

DynamoDB Local is a JVM that keeps getting faster for a while (its CPU per write falls by a third over the first
minute), so whichever path is measured first would be measured on a colder database. Both paths run untimed
first, then are timed in the order server, raw, raw, server; each figure is over its two timed runs.
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import BINARY, DynamoDBLocal, Server, init_db, register  # noqa: E402

CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
WARMUP = int(os.environ.get("BENCH_WARMUP_SECONDS", "10"))


def cpu_seconds(pid):
    """(user, system) CPU seconds of a process so far."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def main():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="sd-bench-"))
    ddb = DynamoDBLocal(tmp).start()
    prefix = f"b{uuid.uuid4().hex[:6]}-"
    srv = None
    try:
        assert init_db(ddb.endpoint, prefix).returncode == 0
        srv = Server(ddb.endpoint, prefix, tmp, LOG_LEVEL="info").start()
        user = register(srv)
        headers = {"Authorization": user["token"]}
        import requests
        guild = requests.post(srv.url("/api/v10/guilds"), json={"name": "bench"}, headers=headers, timeout=30).json()
        channel = guild["channels"][0]["id"]
        env = dict(os.environ, SD_TOKEN=user["token"], SD_CHANNEL=channel)

        def server_run(seconds):
            wrk = subprocess.run(["wrk", "-t", "1", "-c", str(CONCURRENCY), "-d", f"{seconds}s", "--latency",
                                  "-s", str(ROOT / "bench" / "send_message.lua"), srv.base],
                                 env=env, capture_output=True, text=True, timeout=seconds + 120)
            return json.loads(wrk.stdout.strip().splitlines()[-1])

        def raw_run(seconds):
            raw = subprocess.run([str(BINARY.parent / "bench_dynamo_writes"), ddb.endpoint, prefix, channel,
                                  guild["id"], user["id"], str(CONCURRENCY), str(seconds)],
                                 capture_output=True, text=True, timeout=seconds + 120)
            if raw.returncode != 0:
                raise SystemExit(f"raw bench failed: {raw.stderr}")
            return json.loads(raw.stdout.strip().splitlines()[-1])

        server_run(WARMUP)
        raw_run(WARMUP)
        runs = {"server": [], "raw": []}
        cpu = {"server": [0.0, 0.0], "raw": [0.0, 0.0]}
        ddb_cpu = {"server": 0.0, "raw": 0.0}
        for name in ("server", "raw", "raw", "server"):
            srv0, ddb0 = cpu_seconds(srv.proc.pid), sum(cpu_seconds(ddb.proc.pid))
            runs[name].append(server_run(SECONDS) if name == "server" else raw_run(SECONDS))
            srv1, ddb1 = cpu_seconds(srv.proc.pid), sum(cpu_seconds(ddb.proc.pid))
            cpu[name] = [cpu[name][0] + srv1[0] - srv0[0], cpu[name][1] + srv1[1] - srv0[1]]
            ddb_cpu[name] += ddb1 - ddb0

        def combined(lines, count_key, failed_key):
            """One line for two runs: total rate, and the mean of their percentiles."""
            count = sum(x[count_key] for x in lines)
            return {"per_second": count / sum(x["seconds"] for x in lines), "count": count,
                    "failed": sum(x[failed_key] for x in lines),
                    "p50_ms": sum(x["p50_ms"] for x in lines) / len(lines),
                    "p99_ms": sum(x["p99_ms"] for x in lines) / len(lines)}

        server_line = combined(runs["server"], "requests", "non_200")
        raw_line = combined(runs["raw"], "writes", "errors")
        per = 1000 / max(server_line["count"], 1)
        user_ms, system_ms = cpu["server"][0] * per, cpu["server"][1] * per
        ddb_server_ms = ddb_cpu["server"] * per
        ddb_raw_ms = ddb_cpu["raw"] * 1000 / max(raw_line["count"], 1)
        ratio = server_line["per_second"] / raw_line["per_second"]
        rates = lambda name: ", ".join(f"{x['per_second']:.1f}/s" for x in runs[name])  # noqa: E731
        print(f"concurrency {CONCURRENCY}, {SECONDS} s a run, two runs each (server, raw, raw, server), "
              "one DynamoDB Local")
        print(f"server  POST /messages : {server_line['per_second']:8.1f}/s  p50 {server_line['p50_ms']:.2f} ms  "
              f"p99 {server_line['p99_ms']:.2f} ms  ({server_line['count']} requests, {server_line['failed']} failed; "
              f"runs {rates('server')})")
        print(f"raw     db/dynamo      : {raw_line['per_second']:8.1f}/s  p50 {raw_line['p50_ms']:.2f} ms  "
              f"p99 {raw_line['p99_ms']:.2f} ms  ({raw_line['count']} writes, {raw_line['failed']} failed; "
              f"runs {rates('raw')})")
        print(f"server CPU per message : {user_ms:.3f} ms user + {system_ms:.3f} ms system")
        print(f"DynamoDB Local CPU     : {ddb_server_ms:.3f} ms per message, {ddb_raw_ms:.3f} ms per raw write")
        print(f"ratio server / raw     : {ratio:.2f} (goal >= 0.80)")
    finally:
        if srv:
            srv.stop()
            for line in srv.log_text().splitlines():
                if '"stopped"' in line:
                    print(f"server cache           : {json.loads(line).get('cache')}")
        ddb.stop()


if __name__ == "__main__":
    main()
