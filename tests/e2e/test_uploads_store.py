"""services/upload against the session's SeaweedFS (tests/integration/test_upload_live.c): a spooled body's files
stored by one PUT or a multipart upload and read back byte for byte, discarded objects removed, a store that is
not there answered SD_ERR_UNAVAILABLE."""
import os
import subprocess
import uuid

from conftest import BINARY, assert_sanitizer_clean


def test_upload_service_against_seaweedfs(seaweedfs):
    env = dict(os.environ, SD_TEST_S3_ENDPOINT=seaweedfs.endpoint, SD_TEST_S3_BUCKET=f"u{uuid.uuid4().hex[:10]}")
    r = subprocess.run([str(BINARY.parent / "upload_live_tests"), "--jobs", "1", "--verbose"], env=env,
                       capture_output=True, text=True, timeout=600)
    out = r.stdout + r.stderr
    assert_sanitizer_clean(out)
    assert r.returncode == 0, out[-4000:]
    assert "Tested: 2 | Passing: 2 | Failing: 0 | Crashing: 0" in out, out[-2000:]
