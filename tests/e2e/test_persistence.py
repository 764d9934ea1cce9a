"""Data lives in DynamoDB Local's files: it survives a SIGKILL of the server and a restart of DynamoDB Local.

DynamoDB Local acknowledges a write before it reaches its database file: a SIGKILL of DynamoDB Local itself within
a fraction of a second of a write can lose it (seen with 1.25.1), so here DynamoDB Local is stopped the way
`task db:down` stops it (SIGTERM), while the server is killed outright.
"""
import uuid

from conftest import DynamoDBLocal, Server, init_db, register


def test_data_survives_server_sigkill_and_dynamodb_restart(tmp_path):
    (tmp_path / "data").mkdir()
    ddb = DynamoDBLocal(tmp_path / "data").start()
    prefix = f"p{uuid.uuid4().hex[:8]}-"
    try:
        assert init_db(ddb.endpoint, prefix).returncode == 0
        srv = Server(ddb.endpoint, prefix, tmp_path).start()
        u = register(srv, email=f"{uuid.uuid4().hex[:8]}@example.com")
        renamed = f"renamed_{uuid.uuid4().hex[:8]}"
        assert srv.patch("/api/v10/users/@me", headers={"Authorization": u["token"]},
                         json={"username": renamed, "global_name": "Kept"}).status_code == 200
        srv.kill()
        ddb.stop()

        ddb.start()
        srv = Server(ddb.endpoint, prefix, tmp_path).start()
        try:
            r = srv.post("/api/v10/auth/login", json={"login": renamed, "password": u["password"]})
            assert r.status_code == 200 and r.json()["user_id"] == u["id"], r.text
            me = srv.get("/api/v10/users/@me", headers={"Authorization": u["token"]})
            assert me.status_code == 200, "a token from before the restart still works"
            assert me.json()["username"] == renamed and me.json()["global_name"] == "Kept"
        finally:
            srv.stop()
    finally:
        ddb.stop()
