#!/usr/bin/env bash
# Backups of a running docker compose stack, and their restore.
#   docker/backup.sh backup            -> $ZONEWH_BACKUP_DIR/zonewh-YYYYmmddTHHMMSSZ.tar
#   docker/backup.sh restore ARCHIVE   puts the database and the state back, then starts the stack
# An archive holds airflow.sql.gz (pg_dump of the metadata database, plain SQL: it restores
# into PostgreSQL 15 or 16) and state.tar.gz (the home volume with published/, and the
# landing folder). Take it between monthly runs (the run lease is not taken).
# COMPOSE (default docker-compose) and the usual COMPOSE_FILE / COMPOSE_PROJECT_NAME apply.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

compose() {
    # shellcheck disable=SC2086
    ${COMPOSE:-docker-compose} "$@"
}
backups="${ZONEWH_BACKUP_DIR:-backups}"
work=""
trap '[ -z "$work" ] || rm -rf "$work"' EXIT
umask 077  # the dump holds the metadata database: readable by its owner only
log() { echo "[backup] $*" >&2; }

# tar inside the image, with the same mounts as the Airflow services (no secret check needed)
state_tar() {
    compose run --rm --no-deps -T --entrypoint bash airflow-init -c "$1"
}

backup() {
    local stamp archive
    stamp="$(date -u +%Y%m%dT%H%M%SZ)"
    mkdir -p "$backups"
    work="$(mktemp -d "$backups/.zonewh-$stamp.XXXXXX")"
    log "pg_dump of the metadata database"
    compose exec -T postgres pg_dump --username airflow --dbname airflow --clean --if-exists \
        --no-owner | gzip > "$work/airflow.sql.gz"
    log "the home volume and the landing folder"
    state_tar "tar -C /data -czf - home landing" > "$work/state.tar.gz"
    gzip -t "$work/airflow.sql.gz" "$work/state.tar.gz"
    {
        echo "created_at=$stamp"
        echo "image=$(docker image inspect --format '{{.Id}}' zonewh:local 2>/dev/null || true)"
        echo "git=$(git rev-parse --short HEAD 2>/dev/null || true)"
    } > "$work/MANIFEST"
    archive="$backups/zonewh-$stamp.tar"
    tar -C "$work" -cf "$archive.part" MANIFEST airflow.sql.gz state.tar.gz
    mv "$archive.part" "$archive"
    echo "$archive"
}

restore() {
    local archive="${1:?usage: docker/backup.sh restore ARCHIVE}"
    [ -f "$archive" ] || { log "no such archive: $archive"; exit 1; }
    work="$(mktemp -d)"
    tar -C "$work" -xf "$archive" airflow.sql.gz state.tar.gz
    log "stopping the stack (volumes kept)"
    compose stop
    compose up -d postgres
    for _ in $(seq 60); do
        compose exec -T postgres pg_isready -U airflow -d airflow >/dev/null 2>&1 && break
        sleep 2
    done
    log "restoring the metadata database"
    gunzip -c "$work/airflow.sql.gz" \
        | compose exec -T postgres psql --quiet --username airflow --dbname airflow \
            -v ON_ERROR_STOP=1 >/dev/null
    log "restoring the home volume and the landing folder"
    state_tar "find /data/home /data/home/published /data/landing -mindepth 1 -maxdepth 1 \
        ! -path /data/home/published -exec rm -rf {} + && tar -C /data -xzf -" \
        < "$work/state.tar.gz"
    log "starting the stack"
    compose up -d
}

case "${1:-}" in
    backup) backup ;;
    restore) shift; restore "$@" ;;
    *) echo "usage: docker/backup.sh backup | restore ARCHIVE" >&2; exit 2 ;;
esac
