#!/usr/bin/env bash
# The benchmark suite (issue 8): builds and packages the proxy, then measures it side by side with
# direct calls to a mock upstream (and nginx / Portkey when installed). Writes
# bench/results/<date>.json, <date>.md and <date>-*.png. Options are passed to bench.Bench
# (--quick for a short trial run, --skip nginx,portkey).
set -euo pipefail
cd "$(dirname "$0")/.."

mvn_quiet() {
  # offline when everything is in the local repository already, online otherwise
  mvn -B -q -o "$@" 2>/dev/null || mvn -B -q "$@"
}

echo "[bench] building and packaging the proxy"
mvn_quiet -DskipTests package liberty:create

echo "[bench] compiling the benchmark"
rm -rf target/bench-classes
javac -Xlint:all -Werror -d target/bench-classes $(find bench/src -name '*.java')

exec java -Xms768m -Xmx768m -XX:+UseParallelGC -Djava.awt.headless=true \
  -cp target/bench-classes bench.Bench "$@"
