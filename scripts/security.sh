#!/usr/bin/env bash
# `make security`: bandit, schemathesis, sqlmap and wapiti against the app served by gunicorn on loopback.
# Starts its own server (free port, throw-away SQLite database with the demo seed) and stops it afterwards.
# Exits non-zero when any tool finds something. Reports land in test-artifacts/security/.
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=${VENV:-.venv}/bin
WAPITI_VENV=${WAPITI_VENV:-.venv-wapiti}
WAPITI_VERSION=3.2.3  # the newest wapiti3 that installs on Python 3.11 here
OUT=test-artifacts/security
WORK=$(mktemp -d)
mkdir -p "$OUT"
failures=()

PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
# Production-like: BASE_URL is https (TLS would end at a proxy), so cookies carry Secure as they must.
export DATABASE_URL="sqlite:///$WORK/security.sqlite" BASE_URL="https://127.0.0.1:$PORT" CIVIMATCH_ENV=production
SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_hex(32))')
export SECRET_KEY
# Scanners send thousands of requests: rate limits would answer 429 and hide real findings.
export RATELIMIT_ENABLED=false

step() { echo; echo "=== $1"; }
fail() { echo "FAIL: $1"; failures+=("$1"); }

step "bandit -r app (medium and high severity fail)"
"$BIN/bandit" -r app -ll -q || fail "bandit"

step "starting gunicorn on $URL"
"$BIN/flask" --app wsgi db upgrade >/dev/null && "$BIN/flask" --app wsgi seed load >/dev/null || { echo "seed failed"; exit 2; }
"$BIN/gunicorn" --workers 2 --bind "127.0.0.1:$PORT" --log-level warning wsgi:app >"$OUT/gunicorn.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 50); do curl -fs -o /dev/null "$URL/" && break; sleep 0.2; done
curl -fs -o /dev/null "$URL/" || { echo "server did not start"; exit 2; }

step "schemathesis on $URL/api/v1/openapi.json"
if curl -fs -o /dev/null "$URL/api/v1/openapi.json"; then
  "$BIN/schemathesis" run "$URL/api/v1/openapi.json" --checks not_a_server_error,response_schema_conformance \
    --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" --request-timeout 20 >"$OUT/schemathesis.txt" 2>&1 \
    || fail "schemathesis (see $OUT/schemathesis.txt)"
  tail -n 15 "$OUT/schemathesis.txt"
else
  fail "no OpenAPI document at /api/v1/openapi.json"
fi

step "sqlmap --level=2 on the search and filter parameters"
# sqlmap exits 0 even when it finds an injection: its output is what counts.
for target in "challenges?q=water&sector=water&country=FI&trl_min=1&trl_max=9&status=open&sort=newest&page=1" \
              "solutions?q=sensor&sector=water&country=FI&trl_min=1&trl_max=9&sort=newest&page=1"; do
  name=${target%%\?*}
  "$BIN/sqlmap" -u "$URL/$target" --batch --level=2 --risk=1 --threads=4 --flush-session --disable-coloring \
    --output-dir="$WORK/sqlmap" >"$OUT/sqlmap-$name.txt" 2>&1
  grep -hE "is vulnerable|appears to be .*injectable|identified the following injection point" \
    "$OUT/sqlmap-$name.txt" && fail "sqlmap found an injection in /$name"
  grep -hE "do not appear to be injectable|tested parameters" "$OUT/sqlmap-$name.txt" | tail -n 2
done

step "wapiti (own virtualenv: $WAPITI_VENV)"
if [ ! -x "$WAPITI_VENV/bin/wapiti" ]; then
  python3 -m venv "$WAPITI_VENV" && "$WAPITI_VENV/bin/pip" install -q "wapiti3==$WAPITI_VERSION" || fail "wapiti install"
fi
"$WAPITI_VENV/bin/wapiti" -u "$URL/" --scope folder -f json -o "$OUT/wapiti.json" --flush-session \
  -d 3 --max-links-per-page 40 --max-scan-time "${WAPITI_MAX_SCAN_S:-600}" --max-attack-time 120 \
  >"$OUT/wapiti.txt" 2>&1 || fail "wapiti run"
"$BIN/python" scripts/wapiti_findings.py "$OUT/wapiti.json" || fail "wapiti findings (see $OUT/wapiti.json)"

echo
if [ ${#failures[@]} -gt 0 ]; then
  echo "make security: ${#failures[@]} failure(s): ${failures[*]}"
  exit 1
fi
echo "make security: bandit, schemathesis, sqlmap and wapiti found nothing."
