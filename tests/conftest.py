"""Shared harness for the black-box suites: a real DynamoDB Local, a real S3 store (SeaweedFS) and the real server
binary, on free ports."""
import json
import os
import pathlib
import select
import signal
import socket
import subprocess
import threading
import time
import uuid

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = pathlib.Path(os.environ.get("SD_BINARY", "build/simplediscord"))
if not BINARY.is_absolute():
    BINARY = ROOT / BINARY
DDB_DIR = ROOT / ".local" / "dynamodb"
WEED = pathlib.Path(os.environ.get("SD_WEED", ROOT / ".local" / "venv" / "bin" / "weed"))
SECRET = "tests-token-secret-0123456789abcdef-0123456789"
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status_kib(pid, field="VmRSS"):
    """A size field of /proc/<pid>/status (VmRSS, VmHWM...), in KiB."""
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def read_until_closed(sock, timeout=10):
    """Everything received on sock until the peer closes, resets or goes quiet for timeout seconds."""
    sock.settimeout(timeout)
    chunks = []
    try:
        while True:
            c = sock.recv(65536)
            if not c:
                break
            chunks.append(c)
    except (socket.timeout, ConnectionResetError):
        pass
    return b"".join(chunks)


def hold_connections(server, n, timeout=10):
    """n idle connections the server has accepted and kept: a connection refused because the start-up checks'
    own connections were still counted against a cap (its 503 arrives at once) is replaced."""
    held, deadline = [], time.monotonic() + timeout
    while len(held) < n:
        assert time.monotonic() < deadline, f"the server kept only {len(held)} of {n} connections"
        fresh = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(n - len(held))]
        time.sleep(0.3)
        refused, _, _ = select.select(fresh, [], [], 0)
        for s in refused:
            s.close()
        held += [s for s in fresh if s not in refused]
    return held


def wait_until(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def ddb_call(endpoint, op, payload):
    """One DynamoDB API call straight to DynamoDB Local (it checks that a signature is present, not its value)."""
    r = requests.post(endpoint, data=json.dumps(payload), timeout=10, headers={
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": f"DynamoDB_20120810.{op}",
        "Authorization": "AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, "
                         "SignedHeaders=host, Signature=0",
    })
    return r.status_code, r.json()


class Redis:
    """A real redis-server on a free port that keeps nothing on disk; stop() and start() again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def up():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                return False
        wait_until(up, 10, "redis-server")
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class DynamoDBLocal:
    """AWS's DynamoDB Local (Java) with one shared, persistent database in data_dir."""

    def __init__(self, data_dir):
        self.data_dir = pathlib.Path(data_dir)
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self):
        jar = DDB_DIR / "DynamoDBLocal.jar"
        assert jar.exists(), f"{jar} is missing: run ./task setup"
        self.log = open(self.data_dir / "dynamodb.log", "ab")
        self.proc = subprocess.Popen(
            ["java", f"-Djava.library.path={DDB_DIR / 'DynamoDBLocal_lib'}", "-jar", str(jar),
             "-sharedDb", "-dbPath", str(self.data_dir), "-port", str(self.port)],
            cwd=DDB_DIR, stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(self.answers, 60, "DynamoDB Local")
        return self

    def answers(self):
        try:
            return ddb_call(self.endpoint, "ListTables", {})[0] == 200
        except requests.RequestException:
            return False

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        """A graceful stop (SIGTERM), which lets DynamoDB Local write out what it has acknowledged."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def table_names(self, prefix):
        names, start = [], None
        while True:
            payload = {"ExclusiveStartTableName": start} if start else {}
            _, body = ddb_call(self.endpoint, "ListTables", payload)
            names += body.get("TableNames", [])
            start = body.get("LastEvaluatedTableName")
            if not start:
                return [n for n in names if n.startswith(prefix)]


class SeaweedFS:
    """SeaweedFS's `weed mini` (master, volume, filer and S3 gateway in one process) on free ports, its data in
    data_dir, its S3 gateway checking SigV4 signatures against one identity (key "local", secret "local", as the
    servers of the tests use), path-style or virtual-hosted (<bucket>.localhost). kill() and start() again keep the ports and the data."""

    ACCESS_KEY = SECRET_KEY = "local"

    def __init__(self, data_dir):
        self.data_dir = pathlib.Path(data_dir)
        self.ports = {name: free_port() for name in (
            "s3.port", "s3.port.grpc", "master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
            "filer.port", "filer.port.grpc", "admin.port", "admin.port.grpc")}
        self.port = self.ports["s3.port"]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.config = self.data_dir / "s3.json"
        self.config.write_text(json.dumps({"identities": [{
            "name": "local", "credentials": [{"accessKey": self.ACCESS_KEY, "secretKey": self.SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))

    def start(self):
        assert WEED.exists(), f"{WEED} is missing: run ./task setup"
        (self.data_dir / "data").mkdir(exist_ok=True)
        self.log = open(self.data_dir / "weed.log", "ab")
        args = [str(WEED), "mini", f"-dir={self.data_dir / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                f"-s3.config={self.config}", "-s3.domainName=localhost", "-webdav=false", "-admin.ui=false", "-s3.port.iceberg=0",
                "-s3.port.lance=0"] + [f"-{k}={v}" for k, v in self.ports.items()]
        self.proc = subprocess.Popen(args, cwd=self.data_dir, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        wait_until(self.answers, 60, "SeaweedFS's S3 gateway")
        return self

    def answers(self):
        assert self.proc.poll() is None, f"weed mini exited early: see {self.data_dir / 'weed.log'}"
        try:
            # Unsigned, so refused (403) once the gateway checks signatures: that is the answer awaited.
            return requests.get(self.endpoint + "/", timeout=1).status_code in (200, 403)
        except requests.RequestException:
            return False

    def kill(self):
        """Stops the store at once (SIGKILL to its whole process group), as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# The session's SeaweedFS, set by the `seaweedfs` fixture: every server and init-db of the run uses it, with a
# bucket of its own per table prefix.
STORE = {}


def bucket_for(prefix):
    """The media bucket of a table prefix: S3 wants 3 to 63 of [a-z0-9-.]."""
    name = "".join(c if c.isalnum() or c in "-." else "-" for c in f"sd-{prefix}".lower()).strip("-.")
    return name[:63].rstrip("-.")


def base_env(endpoint, prefix, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DYNAMODB_", "TABLE_", "TOKEN_"))}
    env.update({
        "HOST": "127.0.0.1", "DYNAMODB_ENDPOINT": endpoint, "TABLE_PREFIX": prefix, "TOKEN_SECRET": SECRET,
        "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
        "LOG_LEVEL": "info", "TABLES_FILE": str(ROOT / "config" / "tables.json"),
    })
    if STORE.get("endpoint"):
        env.update({"S3_ENDPOINT": STORE["endpoint"], "S3_BUCKET": bucket_for(prefix)})
    # The suites send far faster than a person: their servers get roomy limits (the rate-limit tests and the
    # gateway's own command limit keep the defaults or set their own).
    env.update({f"RATE_LIMIT_{k}": "1000000/1" for k in ("GLOBAL", "ROUTE", "MESSAGES", "IP", "IDENTIFY")})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def init_db(endpoint, prefix, tables_file=None, **extra):
    args = [str(BINARY), "--env-file", "/dev/null", "init-db"] + ([str(tables_file)] if tables_file else [])
    return subprocess.run(args, env=base_env(endpoint, prefix, **extra), cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def assert_sanitizer_clean(text):
    for mark in SANITIZER_MARKS:
        assert mark not in text, f"sanitizer report in output:\n{text[-4000:]}"


class Server:
    """The real simplediscord binary, serving on a free port."""

    def __init__(self, endpoint, prefix, log_dir, preexec_fn=None, **extra_env):
        self.preexec_fn = preexec_fn  # runs in the child before exec (resource limits)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = base_env(endpoint, prefix, PORT=self.port, **extra_env)
        self.log_path = pathlib.Path(log_dir) / f"server-{self.port}-{uuid.uuid4().hex[:6]}.log"
        self.proc = None

    def start(self, wait_healthy=True):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([str(BINARY), "--env-file", "/dev/null", "serve"], env=self.env, cwd=ROOT,
                                     stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=self.preexec_fn)
        wait_until(self.listening, 30, "the server to listen")
        if wait_healthy:
            wait_until(lambda: self.get("/healthz").status_code == 200, 30, "/healthz")
        return self

    def listening(self):
        assert self.proc.poll() is None, f"server exited early:\n{self.log_text()}"
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def url(self, path):
        return self.base + path

    def get(self, path, **kw):
        return requests.get(self.url(path), timeout=30, **kw)

    def post(self, path, **kw):
        return requests.post(self.url(path), timeout=30, **kw)

    def patch(self, path, **kw):
        return requests.patch(self.url(path), timeout=30, **kw)

    def log_text(self):
        return self.log_path.read_text(errors="replace")

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Stops the server and checks that it exited 0 with no sanitizer report."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        self.log.close()
        assert_sanitizer_clean(self.log_text())
        assert code == 0, f"server exited with {code}:\n{self.log_text()[-4000:]}"

    def kill(self):
        self.proc.kill()
        self.proc.wait()
        self.log.close()


@pytest.fixture(scope="session")
def dynamodb(tmp_path_factory):
    ddb = DynamoDBLocal(tmp_path_factory.mktemp("dynamodb")).start()
    yield ddb
    ddb.stop()


@pytest.fixture(scope="session", autouse=True)
def seaweedfs(tmp_path_factory):
    """One SeaweedFS for the whole run, started first: init-db creates each prefix's bucket in it."""
    store = SeaweedFS(tmp_path_factory.mktemp("seaweedfs")).start()
    STORE["endpoint"] = store.endpoint
    yield store
    STORE.clear()
    store.stop()


@pytest.fixture(scope="session")
def server(dynamodb, seaweedfs, tmp_path_factory):
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    r = init_db(dynamodb.endpoint, prefix)
    assert r.returncode == 0, r.stderr
    srv = Server(dynamodb.endpoint, prefix, tmp_path_factory.mktemp("server")).start()
    yield srv
    srv.stop()


@pytest.fixture
def redis():
    r = Redis().start()
    yield r
    r.stop()


@pytest.fixture
def make_server(dynamodb, seaweedfs, tmp_path):
    """Starts extra servers (own settings) and stops them after the test."""
    started = []

    def make(prefix=None, endpoint=None, wait_healthy=True, **env):
        if prefix is None:
            prefix = f"t{uuid.uuid4().hex[:8]}-"
            assert init_db(dynamodb.endpoint, prefix).returncode == 0
        srv = Server(endpoint or dynamodb.endpoint, prefix, tmp_path, **env).start(wait_healthy)
        started.append(srv)
        return srv

    yield make
    for srv in started:
        if srv.proc.poll() is None:
            srv.stop()


def unique_name(stem="user"):
    return f"{stem}_{uuid.uuid4().hex[:10]}"


def register(server, username=None, password="correct horse battery", email=None):
    username = username or unique_name()
    body = {"username": username, "password": password}
    if email:
        body["email"] = email
    r = server.post("/api/v10/auth/register", json=body)
    assert r.status_code == 201, r.text
    return {"token": r.json()["token"], "username": username, "password": password,
            "id": r.json().get("user_id")}


# A gateway session held open, heartbeating, from the start of the run until the test of
# tests/e2e/test_zz_long_session.py (the last of the e2e files) looks at it: the rest of the suite runs
# meanwhile, so the ten minutes cost only what the suite does not already take.
LONG_SESSION_TEST = "test_a_session_stays_open_for_ten_minutes"
LONG_SESSION_SECONDS = float(os.environ.get("SD_LONG_SESSION_SECONDS", "600"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "web_ui: a browser test of the web client's own behaviour (markdown, screens, keyboard, layout), whose "
        "server side other tests cover; the sanitizer run leaves these out (`-m 'not web_ui'`)")


def pytest_collection_modifyitems(session, config, items):
    config.long_session_wanted = any(item.name == LONG_SESSION_TEST for item in items)


class LongSession:
    """Identifies once, then reads everything the server sends until told to stop."""

    def __init__(self, server):
        from gateway_helpers import Gateway  # e2e helper, importable once the e2e folder is collected

        self.started = time.monotonic()
        self.acks, self.closed, self.error = 0, None, None
        self.gw = Gateway(server)
        self.gw.identify(register(server)["token"])
        self.stop = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        import websocket

        while not self.stop.is_set():
            try:
                msg = self.gw.recv(timeout=5)
            except websocket.WebSocketTimeoutException:
                continue
            except Exception as e:  # the server closed or broke the session
                self.closed, self.error = time.monotonic() - self.started, repr(e)
                return
            self.acks += msg.get("op") == 11


@pytest.fixture(scope="session", autouse=True)
def long_session(request):
    if not getattr(request.config, "long_session_wanted", False):
        yield None
        return
    s = LongSession(request.getfixturevalue("server"))
    yield s
    s.stop.set()
    s.gw.close()
