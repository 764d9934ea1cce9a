#!/usr/bin/env bash
# Starts or stops DynamoDB Local for development: 127.0.0.1:${DYNAMODB_PORT:-8000}, one shared database kept in
# .local/dynamodb-data so data survives restarts. `start` returns once it answers.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${DYNAMODB_PORT:-8000}
PIDFILE=.local/dynamodb.pid
DATA=.local/dynamodb-data
# shellcheck source=scripts/local_service.sh
. scripts/local_service.sh

answers() {
  curl -s -o /dev/null -m 2 -X POST "http://127.0.0.1:$PORT/" \
    -H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
    -d '{}'
}

case "${1:-}" in
  start)
    if answers; then echo "DynamoDB Local already answers on 127.0.0.1:$PORT"; exit 0; fi
    mkdir -p "$DATA"
    # java runs in its own folder (it writes a metadata file where it runs); exec makes the background job java
    # itself, so its pid is the one recorded and no shell holds our output open.
    root=$PWD
    (cd .local/dynamodb && exec nohup java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar \
      -sharedDb -dbPath "$root/$DATA" -port "$PORT" > "$root/.local/dynamodb.log" 2>&1 < /dev/null) &
    echo $! > "$PIDFILE"
    wait_answering "DynamoDB Local" .local/dynamodb.log 100
    ;;
  stop)
    # SIGTERM, then wait: DynamoDB Local writes out what it has acknowledged only when it stops in order.
    stop_service "DynamoDB Local"
    ;;
  *)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
