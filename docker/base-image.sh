#!/usr/bin/env bash
# Makes the local Debian base image (default learnchain-base:bookworm) when the engine lacks it:
# debootstrap --variant=minbase into a temporary directory, then `docker import`. For machines that
# reach a Debian mirror but no image registry (CI); elsewhere build from the public JRE image.
#   docker/base-image.sh [TAG]      # DOCKER=/usr/bin/docker, DEBIAN_MIRROR=URL override
# Needs root (debootstrap) and takes about a minute; prints the tag on stdout.
set -euo pipefail

tag="${1:-learnchain-base:bookworm}"
docker="${DOCKER:-docker}"
if "$docker" image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag"
  exit 0
fi

# The mirror this machine's apt already uses (one-line or deb822 sources), else Debian's CDN.
mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
      2>/dev/null \
    | grep -oE '(https?://[^ ]*/debian)/?( |$)' | grep -v security | head -1 | tr -d ' ' || true)"
  mirror="${mirror%/}"
  mirror="${mirror:-http://deb.debian.org/debian}"
fi
command -v debootstrap >/dev/null || { echo "base-image: debootstrap is not installed" >&2; exit 1; }

root="$(mktemp -d "${TMPDIR:-/tmp}/learnchain-base.XXXXXX")"
trap 'rm -rf "$root"' EXIT
echo "base-image: debootstrap bookworm from $mirror" >&2
debootstrap --variant=minbase bookworm "$root" "$mirror" >&2
# apt's downloaded packages and lists are not needed in the image.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | "$docker" import - "$tag" >&2
echo "$tag"
