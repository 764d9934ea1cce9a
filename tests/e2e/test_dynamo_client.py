"""Runs the C integration tests of db/dynamo (tests/integration) against this suite's DynamoDB Local."""
import os
import subprocess
import uuid

from conftest import BINARY, assert_sanitizer_clean


def test_dynamo_client_against_dynamodb_local(dynamodb):
    binary = BINARY.parent / "dynamo_live_tests"
    env = dict(os.environ, SD_TEST_DYNAMODB_ENDPOINT=dynamodb.endpoint,
               SD_TEST_TABLE_PREFIX=f"d{uuid.uuid4().hex[:8]}-")
    r = subprocess.run([str(binary), "--jobs", "1"], env=env, capture_output=True, text=True, timeout=600)
    out = r.stdout + r.stderr
    assert_sanitizer_clean(out)
    assert r.returncode == 0, out[-4000:]
    assert "Failing: 0" in out and "Crashing: 0" in out, out[-2000:]
    assert "BatchGetItem left keys unprocessed" in out, "the UnprocessedKeys path was not exercised"
