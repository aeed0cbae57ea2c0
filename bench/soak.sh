#!/usr/bin/env bash
# Soak run (issue 7; not part of CI, see docs/reliability.md): the packaged proxy on a Liberty
# server of its own, a scripted upstream on this machine, SOAK_MINUTES of mixed plain/hybrid,
# streamed/buffered traffic at SOAK_CONCURRENCY with 10 % injected upstream faults and 10 % client
# aborts. Prints and writes a report (target/soak/report.txt); exits non-zero on any unexpected
# error or leak. Loopback addresses only.
#
#   bench/soak.sh                      # 10 minutes, 16 concurrent clients
#   SOAK_MINUTES=3 bench/soak.sh       # shorter
#   MVN_OFFLINE=1 bench/soak.sh        # build with mvn -o
set -euo pipefail
cd "$(dirname "$0")/.."

MINUTES="${SOAK_MINUTES:-10}"
CONCURRENCY="${SOAK_CONCURRENCY:-16}"
PROXY_PORT="${SOAK_PORT:-18400}"
UPSTREAM_PORT="${SOAK_UPSTREAM_PORT:-18401}"
CLIENT_KEY="sk-soak-client-0000000000000001"
WLP=target/liberty/wlp
SERVER="$WLP/usr/servers/soak"
REPORT=target/soak/report.txt

echo "== building the WAR, the test classes and the Liberty runtime"
mvn -B -q ${MVN_OFFLINE:+-o} -DskipTests -Dspotless.check.skip=true \
  pre-integration-test

echo "== laying out server 'soak' (server-config/ as deployed, the localhost overlay)"
rm -rf "$SERVER"
mkdir -p "$SERVER/apps" "$SERVER/configDropins/overrides"
cp server-config/server.xml "$SERVER/server.xml"
cp liberty-plugin.xml "$SERVER/configDropins/overrides/"
cp target/hybrid-llm-proxy.war "$SERVER/apps/"
cat > "$SERVER/server.env" <<ENV
HTTP_PORT=$PROXY_PORT
HTTPS_PORT=$((PROXY_PORT + 1000))
SSE_HEARTBEAT_INTERVAL=1
BACKENDS_SOAK_TYPE=openai
BACKENDS_SOAK_API_URL=http://127.0.0.1:$UPSTREAM_PORT/v1
BACKENDS_SOAK_API_KEY=sk-soak-upstream-000000000000
BACKENDS_SOAK_TIMEOUT=2
BACKENDS_SOAK_MODELS=ok
HYBRID_REASONING_MODEL_TIMEOUT=3
HYBRID_EXECUTION_MODEL_TIMEOUT=4
AUTH_MODE=api-key
PROXY_API_KEYS=$CLIENT_KEY
AUTH_LOCKOUT_FAILURES=0
SHUTDOWN_GRACE_PERIOD=2
ENV

PID=""
stop_server() {
  "$WLP/bin/server" stop soak >/dev/null 2>&1 || true
  # if the server's own stop command could not reach it, end the process this script started
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
  fi
}
trap stop_server EXIT

echo "== starting the proxy on 127.0.0.1:$PROXY_PORT"
"$WLP/bin/server" start soak >/dev/null
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PROXY_PORT/health/ready" >/dev/null 2>&1; then
    break
  fi
  sleep 1
done
curl -fsS "http://127.0.0.1:$PROXY_PORT/health/ready" >/dev/null
PID="$(cat "$SERVER/workarea/soak.pid" 2>/dev/null || cat "$WLP/usr/servers/.pid/soak.pid")"

echo "== soaking for $MINUTES min at concurrency $CONCURRENCY (server pid $PID)"
java -cp target/test-classes it.dev.hybridproxy.SoakRun \
  minutes="$MINUTES" concurrency="$CONCURRENCY" proxy="http://127.0.0.1:$PROXY_PORT/" \
  upstreamPort="$UPSTREAM_PORT" clientKey="$CLIENT_KEY" pid="$PID" report="$REPORT"
