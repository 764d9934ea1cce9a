# Shared by scripts/dynamodb.sh and scripts/seaweedfs.sh (sourced): waiting for a local service started in the
# background to answer, and stopping it by its pid file. The caller defines answers() and sets PORT, DATA and
# PIDFILE.

# wait_answering NAME LOG TRIES: polls answers() every 0.2 s, at most TRIES times; exits 0 once it answers.
wait_answering() {
  for _ in $(seq 1 "$3"); do
    if answers; then echo "$1 is up on 127.0.0.1:$PORT (data in $DATA)"; exit 0; fi
    sleep 0.2
  done
  echo "$1 did not answer; see $2" >&2
  exit 1
}

# stop_service NAME [FORCE]: SIGTERM to the pid in PIDFILE, up to 10 s for it to exit (what it has written
# stays), then SIGKILL when FORCE is set.
stop_service() {
  [ -f "$PIDFILE" ] || return 0
  pid=$(cat "$PIDFILE")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if [ -n "${2:-}" ]; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$PIDFILE"
  echo "$1 stopped"
}
