"""init-db against DynamoDB Local: creates what tables.json describes, is idempotent, refuses bad files."""
import json
import uuid

import pytest

from conftest import ROOT, DynamoDBLocal, ddb_call, init_db

SPEC = {
    "tables": {
        "things": {
            "hash_key": "pk", "range_key": "sk",
            "attributes": {"pk": "S", "sk": "S", "owner": "S", "score": "N"},
            "global_secondary_indexes": [
                {"name": "by_owner", "hash_key": "owner", "range_key": "score", "projection": "ALL"},
            ],
            "ttl_attribute": "expires_at",
        },
        "plain": {"hash_key": "id", "attributes": {"id": "S"}},
    }
}


def prefix():
    return f"i{uuid.uuid4().hex[:8]}-"


def write(tmp_path, doc, name="tables.json"):
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def test_creates_tables_with_indexes_and_ttl_then_changes_nothing(dynamodb, tmp_path):
    p = prefix()
    path = write(tmp_path, SPEC)
    first = init_db(dynamodb.endpoint, p, path)
    assert first.returncode == 0, first.stderr
    assert f"created table {p}things" in first.stdout and f"created table {p}plain" in first.stdout
    assert f"enabled TTL on {p}things.expires_at" in first.stdout

    _, desc = ddb_call(dynamodb.endpoint, "DescribeTable", {"TableName": f"{p}things"})
    t = desc["Table"]
    assert t["TableStatus"] == "ACTIVE"
    assert {(k["AttributeName"], k["KeyType"]) for k in t["KeySchema"]} == {("pk", "HASH"), ("sk", "RANGE")}
    gsi = t["GlobalSecondaryIndexes"][0]
    assert gsi["IndexName"] == "by_owner" and gsi["Projection"]["ProjectionType"] == "ALL"
    _, ttl = ddb_call(dynamodb.endpoint, "DescribeTimeToLive", {"TableName": f"{p}things"})
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"

    second = init_db(dynamodb.endpoint, p, path)
    assert second.returncode == 0, second.stderr
    assert "nothing changed" in second.stdout
    assert "created" not in second.stdout


@pytest.fixture
def fresh_dynamodb(tmp_path):
    """A DynamoDB Local of its own: on the shared one, holding the tables of every earlier test, adding an index
    to an existing table was seen to stay CREATING for minutes."""
    (tmp_path / "ddb").mkdir()
    ddb = DynamoDBLocal(tmp_path / "ddb").start()
    yield ddb
    ddb.stop()


def test_adds_a_missing_index_to_an_existing_table(fresh_dynamodb, tmp_path):
    dynamodb = fresh_dynamodb
    p = prefix()
    v1 = {"tables": {"grow": {"hash_key": "id", "attributes": {"id": "S"}}}}
    v2 = {"tables": {"grow": {"hash_key": "id", "attributes": {"id": "S", "email": "S"},
                              "global_secondary_indexes": [{"name": "by_email", "hash_key": "email",
                                                            "projection": "KEYS_ONLY"}]}}}
    assert init_db(dynamodb.endpoint, p, write(tmp_path, v1, "v1.json")).returncode == 0
    r = init_db(dynamodb.endpoint, p, write(tmp_path, v2, "v2.json"))
    assert r.returncode == 0, r.stderr
    assert f"adding index by_email to table {p}grow" in r.stdout
    _, desc = ddb_call(dynamodb.endpoint, "DescribeTable", {"TableName": f"{p}grow"})
    assert [g["IndexName"] for g in desc["Table"]["GlobalSecondaryIndexes"]] == ["by_email"]


def test_key_schema_change_is_refused(dynamodb, tmp_path):
    p = prefix()
    assert init_db(dynamodb.endpoint, p, write(tmp_path, {"tables": {"keys": {"hash_key": "id", "attributes": {"id": "S"}}}}, "a.json")).returncode == 0
    r = init_db(dynamodb.endpoint, p, write(tmp_path, {"tables": {"keys": {"hash_key": "other", "attributes": {"other": "S"}}}}, "b.json"))
    assert r.returncode != 0 and "key schema" in r.stderr


BAD = [
    ("{ not json", None, "tables.json:1"),
    ({"tables": {}}, None, "'tables' must be a non-empty object"),
    ({"tables": {"t1x": {"attributes": {"id": "S"}}}}, "t1x", "'hash_key' is missing"),
    ({"tables": {"t2x": {"hash_key": "id", "attributes": {"other": "S"}}}}, "t2x", "hash_key 'id' is not among its attributes"),
    ({"tables": {"t3x": {"hash_key": "id", "attributes": {"id": "X"}}}}, "t3x", "must have type"),
    ({"tables": {"t4x": {"hash_key": "id", "attributes": {"id": "S", "loose": "S"}}}}, "t4x", "attribute 'loose' is not a key"),
    ({"tables": {"t5x": {"hash_key": "id", "attributes": {"id": "S"}, "global_secondary_indexes": [{"name": "gsi1", "hash_key": "id", "projection": "SOME"}]}}}, "t5x", "projection"),
    ({"tables": {"t6x": {"hash_key": "id", "attributes": {"id": "S"}, "colour": "red"}}}, "t6x", "unknown field 'colour'"),
    ({"tables": {"ok_table": {"hash_key": "id", "attributes": {"id": "S"}}, "t7x": {"hash_key": "id"}}}, "t7x", "'attributes'"),
]


@pytest.mark.parametrize("doc,table,problem", BAD)
def test_malformed_tables_file_is_reported_and_creates_nothing(dynamodb, tmp_path, doc, table, problem):
    p = prefix()
    path = write(tmp_path, doc)
    r = init_db(dynamodb.endpoint, p, path)
    assert r.returncode == 2
    assert str(path) in r.stderr
    if table:
        assert f"table '{table}'" in r.stderr
    assert problem in r.stderr
    assert dynamodb.table_names(p) == [], "nothing may be created from a bad file"


def test_project_tables_file_is_valid(dynamodb):
    p = prefix()
    r = init_db(dynamodb.endpoint, p, ROOT / "config" / "tables.json")
    assert r.returncode == 0, r.stderr
    spec = json.loads((ROOT / "config" / "tables.json").read_text())
    assert sorted(dynamodb.table_names(p)) == sorted(p + name for name in spec["tables"])
