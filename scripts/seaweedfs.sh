#!/usr/bin/env bash
# Starts or stops SeaweedFS (`weed mini`: master, volume, filer and S3 gateway in one process) for development:
# the S3 API on 127.0.0.1:${S3_PORT:-8333} (the S3_ENDPOINT default), data kept in .local/seaweedfs-data so objects
# survive restarts. The gateway checks SigV4 against one identity: S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY, else
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (default local / local, as in .env.example). `start` returns once it answers.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${S3_PORT:-8333}
PIDFILE=.local/seaweedfs.pid
DATA=.local/seaweedfs-data
WEED=${WEED:-.local/venv/bin/weed}
# shellcheck source=scripts/local_service.sh
. scripts/local_service.sh

answers() {
  # Unsigned, so refused (403) once the gateway checks signatures: any HTTP answer means it is up.
  code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$PORT/" || true)
  [ "$code" = 200 ] || [ "$code" = 403 ]
}

case "${1:-}" in
  start)
    if answers; then echo "SeaweedFS already answers on 127.0.0.1:$PORT"; exit 0; fi
    [ -x "$WEED" ] || { echo "$WEED is missing: run ./task setup" >&2; exit 1; }
    mkdir -p "$DATA"
    key=${S3_ACCESS_KEY_ID:-${AWS_ACCESS_KEY_ID:-local}} secret=${S3_SECRET_ACCESS_KEY:-${AWS_SECRET_ACCESS_KEY:-local}}
    umask 077
    printf '{"identities":[{"name":"local","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","Write","List","Tagging"]}]}\n' \
      "$key" "$secret" > .local/seaweedfs-s3.json
    root=$PWD
    (cd "$DATA" && exec nohup "$root/$WEED" mini -dir="$root/$DATA" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
      -s3.port="$PORT" -s3.config="$root/.local/seaweedfs-s3.json" -s3.domainName=localhost \
      -webdav=false -admin.ui=false -s3.port.iceberg=0 -s3.port.lance=0 \
      > "$root/.local/seaweedfs.log" 2>&1 < /dev/null) &
    echo $! > "$PIDFILE"
    wait_answering SeaweedFS .local/seaweedfs.log 150
    ;;
  stop)
    stop_service SeaweedFS force
    ;;
  *)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
