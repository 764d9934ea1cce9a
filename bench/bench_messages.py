"""task bench: the message send path against its raw ceiling, in one run.

1. POST /channels/{id}/messages through the real server, loaded by wrk on loopback (C connections, T seconds).
2. The same DynamoDB writes made straight through db/dynamo with the same concurrency (bench_dynamo_writes).
Both against one DynamoDB Local. Prints both figures and their ratio (the goal is >= 0.8).
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
WARMUP = int(os.environ.get("BENCH_WARMUP_SECONDS", "5"))


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

        # DynamoDB Local is a JVM: both paths run once untimed first, so that neither is measured cold.
        server_run(WARMUP)
        raw_run(WARMUP)
        cpu0, ddb0 = cpu_seconds(srv.proc.pid), sum(cpu_seconds(ddb.proc.pid))
        server_line = server_run(SECONDS)
        cpu1, ddb1 = cpu_seconds(srv.proc.pid), sum(cpu_seconds(ddb.proc.pid))
        per = 1000 / max(server_line["requests"], 1)
        user_ms, system_ms = (cpu1[0] - cpu0[0]) * per, (cpu1[1] - cpu0[1]) * per
        ddb_server_ms = (ddb1 - ddb0) * per
        raw_line = raw_run(SECONDS)
        ddb_raw_ms = (sum(cpu_seconds(ddb.proc.pid)) - ddb1) * 1000 / max(raw_line["writes"], 1)
        ratio = server_line["per_second"] / raw_line["per_second"]
        print(f"concurrency {CONCURRENCY}, {SECONDS} s each, one DynamoDB Local")
        print(f"server  POST /messages : {server_line['per_second']:8.1f}/s  p50 {server_line['p50_ms']:.2f} ms  "
              f"p99 {server_line['p99_ms']:.2f} ms  ({server_line['requests']} requests, {server_line['non_200']} failed)")
        print(f"raw     db/dynamo      : {raw_line['per_second']:8.1f}/s  p50 {raw_line['p50_ms']:.2f} ms  "
              f"p99 {raw_line['p99_ms']:.2f} ms  ({raw_line['writes']} writes, {raw_line['errors']} failed)")
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
