#!/usr/bin/env bash
# The image's HEALTHCHECK: healthy while the node answers GET /health (200) on its metrics port,
# LEARNCHAIN_HEALTH_PORT or 30302, on the container's loopback. Plain bash (/dev/tcp): no curl in
# the image and no JVM started every interval.
set -euo pipefail
port="${LEARNCHAIN_HEALTH_PORT:-30302}"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
IFS= read -r -t 5 status <&3
[[ "$status" == HTTP/1.?" 200"* ]]
