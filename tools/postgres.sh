#!/usr/bin/env bash
# A throwaway PostgreSQL server for the storage tests, on 127.0.0.1 only.
#
#   eval "$(tools/postgres.sh start)"   # start it (or reuse the running one) and export
#                                       # COMPTOIR_TEST_DATABASE_URL
#   make test ARGS="tests/integration -q"
#   tools/postgres.sh stop              # stop it and delete its data directory
#
#   tools/postgres.sh status            # is it running? (exit 0 if yes); prints the URL
#   tools/postgres.sh url               # the URL of the running server
#   tools/postgres.sh install           # as root on Debian: apt-get install postgresql if
#                                       # the server binaries are missing (used by .ci/run)
#
# The server gets role `comptoir` (password `comptoir`, CREATEDB) and database `comptoir_test`
# owned by it, a data directory under $TMPDIR (default /tmp) and fsync=off: it is for tests
# only and keeps nothing worth keeping. It listens on port 55432, or on the next free port if
# something else holds that one. Run as root, the server runs as the `postgres` user.
#
# Settings (environment): COMPTOIR_PG_PORT (first port tried, default 55432),
# COMPTOIR_PG_DIR (state directory, default $TMPDIR/comptoir-postgres-<uid>),
# COMPTOIR_PG_BINDIR (directory holding initdb/pg_ctl/postgres, found automatically).
#
# Only `export ...` lines go to stdout, so `eval "$(tools/postgres.sh start)"` is safe;
# everything else goes to stderr.
set -euo pipefail

exec 3>&1 1>&2 # fd 3: the eval-able output; stdout: diagnostics, like stderr

PORT_WANTED="${COMPTOIR_PG_PORT:-55432}"
STATE_DIR="${COMPTOIR_PG_DIR:-${TMPDIR:-/tmp}/comptoir-postgres-$(id -u)}"
DATA_DIR="$STATE_DIR/data"
LOG_FILE="$STATE_DIR/postgres.log"
PORT_FILE="$STATE_DIR/port"
MARKER="$STATE_DIR/.comptoir-postgres" # proves the directory is ours before rm -rf
DB_USER=comptoir
DB_PASSWORD=comptoir
DB_NAME=comptoir_test

say() { echo "postgres.sh: $*"; }
die() { say "error: $*"; exit 1; }

# The directory holding the server binaries, or nothing. Debian keeps them out of PATH,
# under /usr/lib/postgresql/<version>/bin; elsewhere (Homebrew, ...) they are on PATH.
find_bindir() {
  if [[ -n "${COMPTOIR_PG_BINDIR:-}" ]]; then
    [[ -x "$COMPTOIR_PG_BINDIR/postgres" ]] && echo "$COMPTOIR_PG_BINDIR"
    return 0
  fi
  local dir best=""
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    [[ -x "$dir/postgres" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && best="$dir"
  done
  if [[ -z "$best" ]] && command -v postgres >/dev/null && command -v initdb >/dev/null; then
    best="$(dirname "$(readlink -f "$(command -v postgres)")")"
  fi
  [[ -n "$best" ]] && echo "$best"
  return 0
}

require_bindir() {
  BIN="$(find_bindir)"
  [[ -n "$BIN" ]] || die "no PostgreSQL server binaries (postgres, initdb, pg_ctl) found;" \
    "install them (Debian: sudo apt-get install postgresql, or run: sudo $0 install)" \
    "or set COMPTOIR_PG_BINDIR"
  # the client tools of the same version, falling back to PATH
  PSQL="$BIN/psql";             [[ -x "$PSQL" ]] || PSQL="$(command -v psql || true)"
  PG_ISREADY="$BIN/pg_isready"; [[ -x "$PG_ISREADY" ]] || PG_ISREADY="$(command -v pg_isready || true)"
  [[ -n "$PSQL" && -n "$PG_ISREADY" ]] || die "psql/pg_isready not found (install postgresql-client)"
}

# initdb and the server refuse to run as root: as root, run them as `postgres`.
if [[ $EUID -eq 0 ]]; then
  PG_OS_USER=postgres
  as_pg() { (cd / && runuser -u postgres -- "$@"); }
else
  PG_OS_USER="$(id -un)"
  as_pg() { "$@"; }
fi

# Run "$@" with only stdin, stdout and stderr open: the server that pg_ctl leaves behind must
# not hold fd 3 (the pipe of `eval "$(... start)"`, which would then never return) or any
# other pipe of whoever called us.
detached() {
  (
    local f fd
    if [[ -d /proc/$BASHPID/fd ]]; then
      for f in /proc/$BASHPID/fd/*; do
        fd="${f##*/}"
        if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
      done
    else
      exec 3>&-
    fi
    "$@"
  )
}

url_for() { echo "postgresql+asyncpg://$DB_USER:$DB_PASSWORD@127.0.0.1:$1/$DB_NAME"; }

port_in_use() { (exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# 0 if our server is running (and accepting connections); sets PORT.
running() {
  [[ -f "$MARKER" && -f "$PORT_FILE" && -f "$DATA_DIR/postmaster.pid" ]] || return 1
  PORT="$(cat "$PORT_FILE")"
  as_pg "$BIN/pg_ctl" status -D "$DATA_DIR" >/dev/null 2>&1 || return 1
  "$PG_ISREADY" -q -h 127.0.0.1 -p "$PORT" -t 5
}

# superuser SQL over our private Unix socket (trust auth for local connections)
sql() { as_pg "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$STATE_DIR" -p "$PORT" -U "$PG_OS_USER" -d postgres "$@"; }

ensure_role_and_db() {
  sql -c "DO \$\$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
              CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
            ELSE
              ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
            END IF;
          END \$\$;"
  if [[ "$(sql -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]]; then
    sql -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
  fi
}

wipe_state() {
  [[ -d "$STATE_DIR" ]] || return 0
  [[ -f "$MARKER" ]] || die "$STATE_DIR exists but was not made by this script; remove it or set COMPTOIR_PG_DIR"
  rm -rf -- "$STATE_DIR"
}

cmd_start() {
  require_bindir
  if running; then
    say "reusing the server already running on 127.0.0.1:$PORT ($DATA_DIR)"
  else
    # a stale directory (crash, reboot): the data is throwaway, start afresh
    if [[ -f "$MARKER" && -f "$DATA_DIR/postmaster.pid" ]]; then
      as_pg "$BIN/pg_ctl" stop -D "$DATA_DIR" -m immediate >/dev/null 2>&1 || true
    fi
    wipe_state
    if [[ $EUID -eq 0 ]]; then
      id postgres >/dev/null 2>&1 || die "no 'postgres' user to run the server as (install postgresql)"
    fi
    PORT="$PORT_WANTED"
    local tries=0
    while port_in_use "$PORT"; do
      say "port $PORT is taken, trying $((PORT + 1))"
      PORT=$((PORT + 1)); tries=$((tries + 1))
      ((tries < 100)) || die "no free port in $PORT_WANTED..$PORT"
    done

    mkdir -p "$STATE_DIR"
    chmod 700 "$STATE_DIR"
    touch "$MARKER"
    echo "$PORT" >"$PORT_FILE"
    [[ $EUID -eq 0 ]] && chown -R postgres: "$STATE_DIR"

    say "initdb ($("$BIN/postgres" --version)) in $DATA_DIR"
    as_pg "$BIN/initdb" -D "$DATA_DIR" -U "$PG_OS_USER" --encoding=UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$STATE_DIR/initdb.log" 2>&1 ||
      { cat "$STATE_DIR/initdb.log"; die "initdb failed"; }
    as_pg tee -a "$DATA_DIR/postgresql.conf" >/dev/null <<EOF

# --- tools/postgres.sh: a throwaway test server ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$STATE_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    say "starting on 127.0.0.1:$PORT (log: $LOG_FILE)"
    if ! detached as_pg "$BIN/pg_ctl" start -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 >/dev/null; then
      tail -n 30 "$LOG_FILE" || true
      die "the server did not start"
    fi
  fi

  local i
  for i in $(seq 1 60); do
    "$PG_ISREADY" -q -h 127.0.0.1 -p "$PORT" -t 1 && break
    ((i < 60)) || die "the server does not accept connections on 127.0.0.1:$PORT"
    sleep 1
  done
  ensure_role_and_db
  say "ready: $(url_for "$PORT")"
  echo "export COMPTOIR_TEST_DATABASE_URL='$(url_for "$PORT")'" >&3
}

cmd_stop() {
  require_bindir
  if [[ -f "$MARKER" && -f "$DATA_DIR/postmaster.pid" ]]; then
    as_pg "$BIN/pg_ctl" stop -D "$DATA_DIR" -m fast -w -t 60 >/dev/null 2>&1 ||
      as_pg "$BIN/pg_ctl" stop -D "$DATA_DIR" -m immediate >/dev/null 2>&1 || true
    say "stopped"
  else
    say "not running"
  fi
  wipe_state
}

cmd_status() {
  require_bindir
  if running; then
    say "running on 127.0.0.1:$PORT ($DATA_DIR)"
    echo "$(url_for "$PORT")" >&3
  else
    say "not running"
    return 1
  fi
}

cmd_url() {
  require_bindir
  running || die "not running (start it with: eval \"\$($0 start)\")"
  echo "$(url_for "$PORT")" >&3
}

cmd_install() {
  if [[ -n "$(find_bindir)" ]]; then
    say "PostgreSQL server found in $(find_bindir)"
    return 0
  fi
  [[ $EUID -eq 0 ]] || die "the PostgreSQL server is missing; run as root: $0 install"
  command -v apt-get >/dev/null || die "the PostgreSQL server is missing and apt-get is not available"
  say "installing the PostgreSQL server (Debian package postgresql)"
  apt-get update -qq
  apt-cache policy postgresql
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  [[ -n "$(find_bindir)" ]] || die "postgresql installed but no server binaries found under /usr/lib/postgresql"
  say "PostgreSQL server installed in $(find_bindir)"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  install) cmd_install ;;
  *)
    echo "usage: $0 start|stop|status|url|install   (eval \"\$($0 start)\" exports COMPTOIR_TEST_DATABASE_URL)"
    exit 2
    ;;
esac
