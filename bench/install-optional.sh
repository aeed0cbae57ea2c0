#!/usr/bin/env bash
# Installs the optional gateways the benchmark compares against, where they are missing:
# nginx (Debian package, a plain reverse proxy: the floor of one proxy hop) and the Portkey gateway
# (npm @portkey-ai/gateway, into $PORTKEY_GATEWAY_DIR, default ~/.cache/hybrid-proxy-bench/portkey).
# bench/run.sh uses whichever of them it finds and works without both.
set -euo pipefail

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && apt-get install -y -qq nginx-light
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq nginx-light
  fi
fi

dir="${PORTKEY_GATEWAY_DIR:-$HOME/.cache/hybrid-proxy-bench/portkey}"
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || npm init -y >/dev/null
npm install --no-audit --no-fund @portkey-ai/gateway@1.15.2
