#!/usr/bin/env bash
# Base images for a Docker engine that reaches no image registry, built from Debian's
# packages alone:
#   zonewh-base/debian:bookworm       debootstrap --variant=minbase bookworm, imported
#   zonewh-base/python:3.11-bookworm  Debian's python3.11 with venv and pip
#   zonewh-base/postgres:15-bookworm  Debian's postgresql-15, the official image's interface
#                                     (POSTGRES_USER/PASSWORD/DB, PGDATA, docker-entrypoint.sh)
#   zonewh-base/redis:7-bookworm      Debian's redis-server
# Then build the stack on them (the tags are what .env's ZONEWH_*_BASE variables name):
#   ZONEWH_PYTHON_BASE=zonewh-base/python:3.11-bookworm
#   ZONEWH_POSTGRES_BASE=zonewh-base/postgres:15-bookworm
#   ZONEWH_REDIS_IMAGE=zonewh-base/redis:7-bookworm
#
# Usage: docker/build-offline-bases.sh [--force]   (root; needs debootstrap and docker)
#   DEBIAN_MIRROR (default http://deb.debian.org/debian) and DEBIAN_SUITE (bookworm).
# An image that already exists is kept unless --force is given (then nothing is cached).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite="${DEBIAN_SUITE:-bookworm}"
prefix="${ZONEWH_BASE_PREFIX:-zonewh-base}"
force=0
nocache=""
if [ "${1:-}" = "--force" ]; then
    force=1
    nocache=1
fi

have() { [ "$force" = 0 ] && docker image inspect "$1" >/dev/null 2>&1; }

log() { echo "[offline-bases] $*" >&2; }

debian="$prefix/debian:$suite"
if have "$debian"; then
    log "$debian exists"
else
    command -v debootstrap >/dev/null || { log "debootstrap is not installed (apt-get install debootstrap)"; exit 1; }
    root="$(mktemp -d /var/tmp/zonewh-rootfs.XXXXXX)"
    trap 'rm -rf "$root"' EXIT
    log "debootstrap $suite from $mirror into $root"
    debootstrap --variant=minbase --include=ca-certificates "$suite" "$root" "$mirror" >&2
    cat > "$root/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${DEBIAN_SECURITY_MIRROR:-${mirror%/debian}/debian-security} $suite-security main
EOF
    # what the official debian images set: no recommends, no docs, no apt caches
    cat > "$root/etc/apt/apt.conf.d/90zonewh" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF
    cat > "$root/etc/dpkg/dpkg.cfg.d/90zonewh-nodoc" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
        "$root"/usr/share/man/* "$root"/usr/share/locale/*
    log "importing $debian"
    tar --numeric-owner -C "$root" -c . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["bash"]' \
        - "$debian" >/dev/null
    rm -rf "$root"
    trap - EXIT
fi

build() {  # tag, dockerfile
    if have "$1"; then
        log "$1 exists"
        return
    fi
    log "building $1"
    docker build --network host ${nocache:+--no-cache} --build-arg "DEBIAN_BASE=$debian" -t "$1" \
        -f "$here/offline/$2" "$here/offline" >&2
}

build "$prefix/python:3.11-$suite" python.Dockerfile
build "$prefix/postgres:15-$suite" postgres.Dockerfile
build "$prefix/redis:7-$suite" redis.Dockerfile

echo "ZONEWH_PYTHON_BASE=$prefix/python:3.11-$suite"
echo "ZONEWH_POSTGRES_BASE=$prefix/postgres:15-$suite"
echo "ZONEWH_REDIS_IMAGE=$prefix/redis:7-$suite"
