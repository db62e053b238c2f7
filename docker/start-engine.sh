#!/usr/bin/env bash
# A Docker engine for the compose smoke test on a Debian machine without systemd (root):
# installs Debian's docker.io, docker-compose (v1) and debootstrap when missing, then starts
# dockerd when none answers. No default bridge network and no iptables rules: the smoke
# test's services all run on the host's network (docker/compose.loopback.yml), and image
# builds use it too (build network: host).
set -euo pipefail

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
    exit 0
fi
log="${DOCKERD_LOG:-/var/log/zonewh-dockerd.log}"
nohup dockerd --bridge=none --iptables=false >"$log" 2>&1 &
for _ in $(seq 60); do
    if docker info >/dev/null 2>&1; then
        echo "dockerd started (log: $log)"
        exit 0
    fi
    sleep 1
done
echo "dockerd did not start; its log:" >&2
tail -20 "$log" >&2
exit 1
