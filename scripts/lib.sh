# shellcheck shell=bash
# shellcheck disable=SC2034  # globals set here are read by the sourcing scripts
# Shared by scripts/run, scripts/test, scripts/stop-db and the benchmark commands
# scripts/bench* (source it, don't run it).
#
# Finds the user's Odoo 18.0 or 19.0 (never downloads or installs it), finds PostgreSQL's
# binaries, and runs a private PostgreSQL cluster under .var/ (or uses a server
# named by PGHOST/ODOO_DB_HOST).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR_DIR="$REPO_ROOT/.var"
PGDATA_DIR="$VAR_DIR/pgdata"         # the private cluster's data
PGRUN_DIR="$VAR_DIR/pgrun"           # its socket and server log
PGPORT_FILE="$VAR_DIR/pgport"        # the loopback port it listens on
REPLICA_DIR="$VAR_DIR/pgreplica"     # a streaming replica of it (scripts/test)
ODOO_DATA_DIR="$VAR_DIR/odoo-data"   # Odoo's filestore and sessions
ODOO_CONF="$VAR_DIR/odoo.conf"       # keeps ~/.odoorc out of our runs
PG_SUPERUSER="odoo"
# When run as root, the cluster runs as this unprivileged user (PostgreSQL
# refuses to run as root).
PG_RUN_AS="${PG_RUN_AS:-nobody}"

ODOO_NOT_FOUND_HELP="set ODOO_PATH to an Odoo 18.0 or 19.0 source tree, and ODOO_PYTHON to a Python that has Odoo's requirements"

# Python modules both Odoo 18.0 and 19.0 import when they start ("import
# name:PyPI name"; 18.0 needs decorator too: without it, it does not start, and
# find_odoo says so).
ODOO_REQUIRED_MODULES="babel:Babel dateutil:python-dateutil \
docutils:docutils idna:idna lxml:lxml markupsafe:MarkupSafe OpenSSL:pyOpenSSL \
passlib:passlib PIL:Pillow polib:polib psutil:psutil psycopg2:psycopg2 pytz:pytz \
reportlab:reportlab requests:requests rjsmin:rjsmin urllib3:urllib3 werkzeug:Werkzeug"
# ... and those its test framework imports.
ODOO_TEST_MODULES="freezegun:freezegun"

is_root() { [ "$(id -u)" = 0 ]; }

# ---------------------------------------------------------------------------
# Odoo
# ---------------------------------------------------------------------------

# find_odoo [test]
# Sets ODOO_PY, ODOO_CMD (array), ODOO_ADDONS_PATH, ODOO_VERSION, ODOO_SERIES
# (18.0 or 19.0), ODOO_WHERE, and ODOO_DEMO_ARGS / ODOO_NO_DEMO_ARGS (arrays: the
# options that make a new database get, or not get, demo data: Odoo 18.0 loads
# it unless told --without-demo, 19.0 only when told --with-demo).
# Returns 0 when a usable Odoo 18.0 or 19.0 is found; 1 when none is found; 2 when one is
# found but cannot run (ODOO_PROBLEM then says why and what to do).
find_odoo() {
    local want_tests="${1:-}" home="" pkg_dir="" out
    ODOO_PY="${ODOO_PYTHON:-python3}"
    ODOO_CMD=()
    ODOO_ADDONS_PATH=""
    ODOO_VERSION=""
    ODOO_SERIES=""
    ODOO_DEMO_ARGS=()
    ODOO_NO_DEMO_ARGS=()
    ODOO_WHERE=""
    ODOO_PROBLEM=""

    if ! command -v "$ODOO_PY" >/dev/null 2>&1; then
        if [ -n "${ODOO_PATH:-}" ] || [ -n "${ODOO_PYTHON:-}" ]; then
            ODOO_PROBLEM="ODOO_PYTHON=$ODOO_PY is not an executable Python ($ODOO_NOT_FOUND_HELP)"
            return 2
        fi
        ODOO_PROBLEM="no Odoo 18.0 or 19.0 found ($ODOO_NOT_FOUND_HELP)"
        return 1
    fi

    if [ -n "${ODOO_PATH:-}" ]; then
        if [ ! -f "$ODOO_PATH/odoo-bin" ] || [ ! -d "$ODOO_PATH/odoo" ]; then
            ODOO_PROBLEM="ODOO_PATH=$ODOO_PATH is not an Odoo source tree (no odoo-bin and odoo/ in it; $ODOO_NOT_FOUND_HELP)"
            return 2
        fi
        home="$(cd "$ODOO_PATH" && pwd)"
    else
        # An importable `odoo` package: locate it without importing it.
        pkg_dir="$(cd / && "$ODOO_PY" -c 'import importlib.util as u
s = u.find_spec("odoo")
print(list(s.submodule_search_locations)[0] if s and s.submodule_search_locations else "")' 2>/dev/null || true)"
        if [ -z "$pkg_dir" ] || [ ! -f "$pkg_dir/release.py" ]; then
            ODOO_PROBLEM="no Odoo 18.0 or 19.0 found ($ODOO_NOT_FOUND_HELP)"
            return 1
        fi
        pkg_dir="$(cd -P "$pkg_dir" && pwd)"
        if [ -f "$pkg_dir/../odoo-bin" ]; then
            home="$(cd "$pkg_dir/.." && pwd)"   # a source tree on sys.path
        fi
    fi

    # Odoo's Python requirements, checked before starting anything.
    local modules="$ODOO_REQUIRED_MODULES"
    [ "$want_tests" = test ] && modules="$modules $ODOO_TEST_MODULES"
    local missing module_list
    read -r -a module_list <<<"$modules"
    missing="$(cd / && "$ODOO_PY" - "${module_list[@]}" <<'PY' 2>/dev/null
import importlib.util
import sys
missing = []
for spec in sys.argv[1:]:
    module, _, dist = spec.partition(":")
    try:
        found = importlib.util.find_spec(module) is not None
    except Exception:
        found = False
    if not found:
        missing.append(f"{module} ({dist})" if dist and dist != module else module)
# Odoo reads PDFs with PyPDF2 or its successor pypdf.
if importlib.util.find_spec("PyPDF2") is None and importlib.util.find_spec("pypdf") is None:
    missing.append("PyPDF2 or pypdf")
print(", ".join(missing))
PY
)" || missing="(could not run $ODOO_PY)"
    if [ -n "$missing" ]; then
        ODOO_PROBLEM="Odoo found at ${home:-$pkg_dir}, but ODOO_PYTHON=$(command -v "$ODOO_PY") lacks Odoo's requirements: missing $missing. Point ODOO_PYTHON at the Python (e.g. the virtualenv) you run Odoo with"
        return 2
    fi

    if [ -n "$home" ]; then
        ODOO_CMD=("$ODOO_PY" "$home/odoo-bin")
        ODOO_ADDONS_PATH="$home/addons,$home/odoo/addons"
        ODOO_WHERE="$home"
    else
        ODOO_CMD=("$ODOO_PY" -m odoo)
        ODOO_ADDONS_PATH="$pkg_dir/addons"
        ODOO_WHERE="$pkg_dir (odoo package of $ODOO_PY)"
    fi

    if ! out="$(cd / && "${ODOO_CMD[@]}" --version 2>&1)"; then
        ODOO_PROBLEM="Odoo at $ODOO_WHERE does not start with $ODOO_PY: $(printf '%s\n' "$out" | grep -v 'security risk' | tail -n 1)"
        return 2
    fi
    ODOO_VERSION="$(printf '%s\n' "$out" | sed -n 's/^Odoo Server \([^ ]*\).*/\1/p' | head -n 1)"
    case "$ODOO_VERSION" in
        18.0 | 18.0+e | 18.0+e* | 18.0[a-z]* | 18.0-*)
            ODOO_SERIES=18.0
            ODOO_NO_DEMO_ARGS=(--without-demo=all)
            ;;
        19.0 | 19.0+e | 19.0+e* | 19.0[a-z]* | 19.0-*)
            ODOO_SERIES=19.0
            ODOO_DEMO_ARGS=(--with-demo)
            ;;
        *)
            ODOO_PROBLEM="Odoo at $ODOO_WHERE is version ${ODOO_VERSION:-unknown}, not 18.0 or 19.0 ($ODOO_NOT_FOUND_HELP)"
            return 2
            ;;
    esac
    ODOO_ADDONS_PATH="$ODOO_ADDONS_PATH,$REPO_ROOT"
    return 0
}

# The addon's own Python requirements ("import name:pip requirement"), which Odoo
# does not need: the manifest's external_dependencies and setup.py declare them.
ADDON_REQUIREMENTS="opencc:opencc>=1.1"

# ensure_addon_requirements: install what crm_extension needs beyond Odoo's own
# requirements into ODOO_PY (found by find_odoo) when it lacks it, saying so.
# Returns 1 (ADDON_PROBLEM says why and what to do) when it cannot.
ensure_addon_requirements() {
    local spec module requirement missing=() log="$VAR_DIR/pip-addon.log"
    ADDON_PROBLEM=""
    for spec in $ADDON_REQUIREMENTS; do
        module="${spec%%:*}"
        requirement="${spec#*:}"
        if ! (cd / && "$ODOO_PY" -c "import $module" >/dev/null 2>&1); then
            missing+=("$requirement")
        fi
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    mkdir -p "$VAR_DIR"
    echo "crm_extension needs ${missing[*]} (OpenCC: traditional and simplified Chinese names are one key), which $ODOO_PY lacks: installing it there (the addon's requirement, not Odoo's; log: .var/pip-addon.log)"
    if ! (cd / && "$ODOO_PY" -m pip install --quiet --disable-pip-version-check \
        "${missing[@]}") >"$log" 2>&1; then
        grep -v "is ignored: it is neither a file nor a directory" "$log" | tail -n 5
        ADDON_PROBLEM="could not install ${missing[*]} into $ODOO_PY (see .var/pip-addon.log): install it yourself, e.g. '$ODOO_PY -m pip install ${missing[*]}' (or the pure-Python opencc-py)"
        return 1
    fi
    for spec in $ADDON_REQUIREMENTS; do
        module="${spec%%:*}"
        if ! (cd / && "$ODOO_PY" -c "import $module" >/dev/null 2>&1); then
            ADDON_PROBLEM="$module is still not importable by $ODOO_PY after installing it (see .var/pip-addon.log)"
            return 1
        fi
    done
    return 0
}

write_odoo_conf() {
    mkdir -p "$VAR_DIR" "$ODOO_DATA_DIR"
    # An explicit (almost empty) configuration file, so that a ~/.odoorc does not
    # change what these scripts run; everything else is given on the command line.
    printf '[options]\n' >"$ODOO_CONF"
}

# ---------------------------------------------------------------------------
# Database server
# ---------------------------------------------------------------------------

# uses_external_db: true when the user named a server (ODOO_DB_HOST or PGHOST).
uses_external_db() { [ -n "${ODOO_DB_HOST:-}" ] || [ -n "${PGHOST:-}" ]; }

# find_pg_bin: sets PG_BINDIR to a directory holding initdb and pg_ctl.
find_pg_bin() {
    local dir candidates=()
    PG_BINDIR=""
    PG_PROBLEM=""
    if [ -n "${PG_BIN:-}" ]; then
        if [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ]; then
            PG_BINDIR="$PG_BIN"
            return 0
        fi
        PG_PROBLEM="PG_BIN=$PG_BIN has no initdb and pg_ctl"
        return 1
    fi
    if command -v pg_config >/dev/null 2>&1; then
        candidates+=("$(pg_config --bindir 2>/dev/null || true)")
    fi
    # Debian/Ubuntu keep the server binaries out of PATH; newest version first.
    while IFS= read -r dir; do
        candidates+=("$dir")
    done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -V -r)
    if command -v initdb >/dev/null 2>&1; then
        candidates+=("$(dirname "$(command -v initdb)")")
    fi
    for dir in "${candidates[@]}"; do
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            PG_BINDIR="$dir"
            return 0
        fi
    done
    PG_PROBLEM="no PostgreSQL server binaries (initdb, pg_ctl) found: install PostgreSQL's server package, or set PG_BIN to the directory holding initdb and pg_ctl, or name an existing server with PGHOST/PGPORT/PGUSER/PGPASSWORD"
    return 1
}

pg_cluster_user() {
    if is_root; then
        printf '%s\n' "$PG_RUN_AS"
    else
        id -un
    fi
}

# as_cluster_user CMD...: run CMD as the cluster's owner, from / (the owner may
# not be allowed into the current directory).
as_cluster_user() {
    if is_root; then
        (cd / && runuser -u "$PG_RUN_AS" -- "$@")
    else
        (cd / && "$@")
    fi
}

free_port() {
    "${ODOO_PY:-python3}" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

port_is_free() {
    "${ODOO_PY:-python3}" - "$1" <<'PY' 2>/dev/null
import socket
import sys
s = socket.socket()
# As servers do: a port whose last connections linger in TIME_WAIT is free.
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

# The cluster's Unix socket, when its path fits the system's limit (108 bytes):
# Odoo then talks to PostgreSQL through it, much faster than through TCP.
pg_socket_usable() { [ $((${#PGRUN_DIR} + 20)) -lt 100 ]; }

pg_is_running() {
    [ -f "$PGDATA_DIR/PG_VERSION" ] && [ -n "${PG_BINDIR:-}" ] &&
        as_cluster_user "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1
}

# pg_init: create the private cluster if it does not exist yet.
pg_init() {
    local user
    user="$(pg_cluster_user)"
    mkdir -p "$VAR_DIR"
    if is_root; then
        chmod o+x "$VAR_DIR"
        if ! id -u "$PG_RUN_AS" >/dev/null 2>&1; then
            PG_PROBLEM="running as root, but user '$PG_RUN_AS' to run PostgreSQL as does not exist (set PG_RUN_AS to an unprivileged user)"
            return 1
        fi
        if ! runuser -u "$PG_RUN_AS" -- test -x "$VAR_DIR"; then
            PG_PROBLEM="running as root, the private PostgreSQL cluster runs as '$PG_RUN_AS', who cannot reach $VAR_DIR (make its parent directories searchable, e.g. chmod o+x, or name an existing server with PGHOST)"
            return 1
        fi
    fi
    mkdir -p "$PGRUN_DIR"
    if is_root; then chown "$user" "$PGRUN_DIR"; fi
    chmod 0755 "$PGRUN_DIR"

    if [ -f "$PGDATA_DIR/PG_VERSION" ]; then
        local have want
        have="$(cat "$PGDATA_DIR/PG_VERSION")"
        want="$("$PG_BINDIR/pg_ctl" --version | sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p')"
        if [ -n "$want" ] && [ "$have" != "$want" ]; then
            PG_PROBLEM="$PGDATA_DIR was made by PostgreSQL $have, but the binaries in $PG_BINDIR are PostgreSQL $want (set PG_BIN, or run scripts/stop-db --purge to start over)"
            return 1
        fi
        return 0
    fi

    # No cluster (or a half-made one): create it.
    rm -rf "$PGDATA_DIR"
    mkdir -p "$PGDATA_DIR"
    chmod 0700 "$PGDATA_DIR"
    if is_root; then chown "$user" "$PGDATA_DIR"; fi
    local locale_args=(--no-locale)
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
        locale_args=(--lc-collate=C --lc-ctype=C.UTF-8 --lc-messages=C)
    fi
    if ! as_cluster_user "$PG_BINDIR/initdb" -D "$PGDATA_DIR" -U "$PG_SUPERUSER" \
        --auth=trust --encoding=UTF8 "${locale_args[@]}" >"$VAR_DIR/initdb.log" 2>&1; then
        PG_PROBLEM="initdb failed (see $VAR_DIR/initdb.log): $(tail -n 1 "$VAR_DIR/initdb.log")"
        return 1
    fi
    # Settings of ours live in an included file, rewritten at every start.
    printf "\ninclude_if_exists = 'crm_extension.conf'\n" >>"$PGDATA_DIR/postgresql.conf"
    # Trust, but on the socket and loopback only (initdb's --auth=trust lines
    # are local, 127.0.0.1/32 and ::1/128 only; keep just those).
    cat >"$PGDATA_DIR/pg_hba.conf" <<'EOF'
# Private development cluster of crm_extension: loopback only, no passwords.
local   all             all                                     trust
host    all             all             127.0.0.1/32            trust
host    all             all             ::1/128                 trust
# A streaming replica on this machine (scripts/test's hosts tier).
host    replication     all             127.0.0.1/32            trust
EOF
    if is_root; then chown "$user" "$PGDATA_DIR/postgresql.conf" "$PGDATA_DIR/pg_hba.conf"; fi
    return 0
}

# pg_shared_buffers_mb: a quarter of the memory of this machine (or of its
# container's memory limit), from 128 MB (initdb's default) to 4096 MB.
# (Pages of shared_buffers are only taken as they are used.)
pg_shared_buffers_mb() {
    local kb limit mb
    kb="$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || true)"
    case "$kb" in
        '' | *[!0-9]*) kb=0 ;;
    esac
    limit="$(cat /sys/fs/cgroup/memory.max 2>/dev/null || true)"
    case "$limit" in
        '' | *[!0-9]*) ;;
        *) if [ "$kb" -eq 0 ] || [ $((limit / 1024)) -lt "$kb" ]; then kb=$((limit / 1024)); fi ;;
    esac
    mb=$((kb / 1024 / 4))
    # (Where memory is not overcommitted, the shared memory is reserved whole.)
    if [ "$(cat /proc/sys/vm/overcommit_memory 2>/dev/null || true)" = 2 ]; then mb=128; fi
    if [ "$mb" -lt 128 ]; then mb=128; fi
    if [ "$mb" -gt 4096 ]; then mb=4096; fi
    printf '%s\n' "$mb"
}

# pg_start: start the private cluster unless it runs; sets DB_PORT.
pg_start() {
    local port="" quoted_sock buffers_mb
    if pg_is_running; then
        DB_PORT="$(cat "$PGPORT_FILE" 2>/dev/null || true)"
        if [ -n "$DB_PORT" ] && "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$DB_PORT" -t 10; then
            return 0
        fi
        PG_PROBLEM="the private cluster in $PGDATA_DIR runs but does not answer on port ${DB_PORT:-?} (run scripts/stop-db, then try again)"
        return 1
    fi
    if [ -f "$PGPORT_FILE" ] && port_is_free "$(cat "$PGPORT_FILE")"; then
        port="$(cat "$PGPORT_FILE")"
    else
        port="$(free_port)"
    fi
    quoted_sock=""
    if pg_socket_usable; then quoted_sock="${PGRUN_DIR//\'/\'\'}"; fi
    buffers_mb="$(pg_shared_buffers_mb)"
    cat >"$PGDATA_DIR/crm_extension.conf" <<EOF
# Written by scripts/lib.sh at each start of the private cluster.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$quoted_sock'
# A throwaway development cluster: speed over crash safety.
fsync = off
synchronous_commit = off
full_page_writes = off
# Memory as on a database server: PostgreSQL's advice for shared_buffers is a
# quarter of the memory (here at most 4 GB); a million customers with their
# indexes, some 2 GB, are read from it as on a server, not from the 128 MB of
# initdb's default.
shared_buffers = ${buffers_mb}MB
effective_cache_size = $((buffers_mb * 3))MB
EOF
    if is_root; then chown "$(pg_cluster_user)" "$PGDATA_DIR/crm_extension.conf"; fi
    if ! as_cluster_user "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$PGRUN_DIR/postgresql.log" \
        -w -t 60 start >"$VAR_DIR/pg_ctl.log" 2>&1; then
        PG_PROBLEM="PostgreSQL did not start (see $PGRUN_DIR/postgresql.log): $(tail -n 1 "$PGRUN_DIR/postgresql.log" 2>/dev/null)"
        return 1
    fi
    printf '%s\n' "$port" >"$PGPORT_FILE"
    DB_PORT="$port"
    return 0
}

# pg_allow_replication: let a replica on loopback stream from the private
# cluster (clusters made before pg_init wrote that line lack it).
pg_allow_replication() {
    if ! grep -qE '^host[[:space:]]+replication[[:space:]]' "$PGDATA_DIR/pg_hba.conf"; then
        printf '%s\n' "host    replication     all             127.0.0.1/32            trust" \
            >>"$PGDATA_DIR/pg_hba.conf"
        as_cluster_user "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" reload >/dev/null
        sleep 1
    fi
}

# replica_start: a streaming replica of the running private cluster in
# .var/pgreplica (pg_basebackup of the whole cluster, then a hot standby on a
# port of its own, loopback only). Sets REPLICA_PORT; REPLICA_PROBLEM says why
# when it fails. replica_stop stops it and deletes the copy.
replica_start() {
    local user port
    REPLICA_PROBLEM=""
    user="$(pg_cluster_user)"
    replica_stop
    pg_allow_replication
    mkdir -p "$REPLICA_DIR"
    chmod 0700 "$REPLICA_DIR"
    if is_root; then chown "$user" "$REPLICA_DIR"; fi
    if ! as_cluster_user "$PG_BINDIR/pg_basebackup" -h 127.0.0.1 -p "$DB_PORT" \
        -U "$PG_SUPERUSER" -D "$REPLICA_DIR" -X stream -R -c fast \
        >"$VAR_DIR/pg_basebackup.log" 2>&1; then
        REPLICA_PROBLEM="pg_basebackup failed (see .var/pg_basebackup.log): $(tail -n 1 "$VAR_DIR/pg_basebackup.log")"
        return 1
    fi
    port="$(free_port)"
    # The copy has the primary's settings: its own instead (no socket; a
    # standby that answers reads while it replays).
    cat >"$REPLICA_DIR/crm_extension.conf" <<EOF
# Written by scripts/lib.sh: a hot standby of the private cluster.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
hot_standby = on
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    if is_root; then chown "$user" "$REPLICA_DIR/crm_extension.conf"; fi
    if ! as_cluster_user "$PG_BINDIR/pg_ctl" -D "$REPLICA_DIR" -l "$PGRUN_DIR/replica.log" \
        -w -t 120 start >"$VAR_DIR/pg_ctl-replica.log" 2>&1; then
        REPLICA_PROBLEM="the replica did not start (see .var/pgrun/replica.log): $(tail -n 1 "$PGRUN_DIR/replica.log" 2>/dev/null)"
        return 1
    fi
    REPLICA_PORT="$port"
}

replica_stop() {
    if [ -f "$REPLICA_DIR/PG_VERSION" ] && [ -n "${PG_BINDIR:-}" ] &&
        as_cluster_user "$PG_BINDIR/pg_ctl" -D "$REPLICA_DIR" status >/dev/null 2>&1; then
        as_cluster_user "$PG_BINDIR/pg_ctl" -D "$REPLICA_DIR" -m immediate -w stop >/dev/null 2>&1
    fi
    rm -rf "$REPLICA_DIR"
}

pg_stop() {
    if pg_is_running; then
        as_cluster_user "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null
    fi
}

# setup_db_server: choose and start the database server. Sets DB_HOST, DB_PORT,
# DB_USER, DB_DESCRIPTION and exports PGPASSWORD when one is given. Returns 2
# when PostgreSQL's binaries are missing, 1 when the cluster fails to start
# (PG_PROBLEM says why).
setup_db_server() {
    if uses_external_db; then
        DB_HOST="${ODOO_DB_HOST:-$PGHOST}"
        DB_PORT="${ODOO_DB_PORT:-${PGPORT:-5432}}"
        DB_USER="${ODOO_DB_USER:-${PGUSER:-$PG_SUPERUSER}}"
        if [ -n "${ODOO_DB_PASSWORD:-}" ]; then
            export PGPASSWORD="$ODOO_DB_PASSWORD"
        fi
        DB_DESCRIPTION="existing server $DB_HOST:$DB_PORT as $DB_USER"
        return 0
    fi
    find_pg_bin || return 2
    pg_init || return 1
    pg_start || return 1
    DB_HOST="127.0.0.1"
    if pg_socket_usable; then DB_HOST="$PGRUN_DIR"; fi
    DB_USER="$PG_SUPERUSER"
    DB_DESCRIPTION="private cluster .var/pgdata on 127.0.0.1:$DB_PORT (PostgreSQL $(cat "$PGDATA_DIR/PG_VERSION"), running as $(pg_cluster_user))"
    return 0
}

odoo_db_args() {
    printf '%s\n' "--db_host=$DB_HOST" "--db_port=$DB_PORT" "--db_user=$DB_USER"
}

# db_query DBNAME SQL: run SQL with Odoo's Python and psycopg2; prints rows.
db_query() {
    DBQ_NAME="$1" DBQ_SQL="$2" DBQ_HOST="$DB_HOST" DBQ_PORT="$DB_PORT" DBQ_USER="$DB_USER" \
        "$ODOO_PY" - <<'PY'
import os
import psycopg2

conn = psycopg2.connect(
    host=os.environ["DBQ_HOST"],
    port=os.environ["DBQ_PORT"],
    user=os.environ["DBQ_USER"],
    dbname=os.environ["DBQ_NAME"],
    connect_timeout=10,
)
conn.autocommit = True
with conn.cursor() as cr:
    cr.execute(os.environ["DBQ_SQL"])
    if cr.description:
        for row in cr.fetchall():
            print("\t".join("" if v is None else str(v) for v in row))
conn.close()
PY
}

db_exists() {
    [ "$(db_query postgres "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

db_drop() {
    db_query postgres "DROP DATABASE IF EXISTS \"$1\"" >/dev/null
}

# module_state DB MODULE: prints the module's state (installed, to install, ...).
module_state() {
    db_query "$1" "SELECT state FROM ir_module_module WHERE name = '$2'" 2>/dev/null || true
}

# parse_odoo_test_log LOG: read the results of an `odoo-bin --test-tags` run.
# Sets OT_RESULT (Odoo's own summary, empty if absent), OT_FAILED, OT_ERRORS,
# OT_RUN, OT_SKIPPED, OT_PASSED and OT_ERROR_LINES (ERROR/CRITICAL records).
parse_odoo_test_log() {
    local log="$1"
    OT_FAILED=0
    OT_ERRORS=0
    OT_RUN=0
    # Odoo logs "F failed, E error(s) of N tests when loading database 'db'"
    # (N counts skipped tests too).
    OT_RESULT="$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$log" | tail -n 1)"
    if [ -n "$OT_RESULT" ]; then
        read -r OT_FAILED OT_ERRORS OT_RUN <<<"$(sed -E 's/^([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/' <<<"$OT_RESULT")"
    fi
    # Each skipped test: "<date> <time> <pid> INFO <db> <logger>: skipped <test> : <reason>"
    OT_SKIPPED="$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ INFO [^ ]+ [^ ]+: skipped ' "$log")"
    OT_ERROR_LINES="$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log")"
    OT_PASSED=$((OT_RUN - OT_FAILED - OT_ERRORS - OT_SKIPPED))
    if [ "$OT_PASSED" -lt 0 ]; then OT_PASSED=0; fi
}

find_chromium() {
    local bin
    for bin in google-chrome chromium chromium-browser google-chrome-stable; do
        if command -v "$bin" >/dev/null 2>&1; then
            command -v "$bin"
            return 0
        fi
    done
    return 1
}

# ---------------------------------------------------------------------------
# Tools of the repository
# ---------------------------------------------------------------------------

# The pinned tools of requirements-dev.txt (tests, linters, the README
# generator), in a venv of their own: scripts/test and scripts/gen-readme.
TOOLS_VENV="$VAR_DIR/tools-venv"
TOOLS_PY="$TOOLS_VENV/bin/python"

# setup_tools: install requirements-dev.txt into .var/tools-venv, unless it is
# there already (as pinned now).
setup_tools() {
    local stamp="$TOOLS_VENV/.requirements-dev.sha256" want
    want="$(sha256sum "$REPO_ROOT/requirements-dev.txt" | cut -d' ' -f1)"
    if [ -x "$TOOLS_PY" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        echo "tools: reusing $TOOLS_VENV"
        return 0
    fi
    mkdir -p "$VAR_DIR"
    if [ ! -x "$TOOLS_PY" ]; then
        echo "tools: creating $TOOLS_VENV"
        if ! "${TOOLS_PYTHON:-python3}" -m venv "$TOOLS_VENV" >"$VAR_DIR/venv.log" 2>&1; then
            cat "$VAR_DIR/venv.log"
            echo "tools: '${TOOLS_PYTHON:-python3} -m venv' failed (a Python 3.10+ with the venv module is needed; set TOOLS_PYTHON to choose one)"
            return 1
        fi
    fi
    echo "tools: installing requirements-dev.txt (log: .var/pip.log)"
    if ! "$TOOLS_PY" -m pip install --quiet --disable-pip-version-check \
        -r "$REPO_ROOT/requirements-dev.txt" >"$VAR_DIR/pip.log" 2>&1; then
        grep -v "is ignored: it is neither a file nor a directory" "$VAR_DIR/pip.log" | tail -n 20
        echo "tools: pip install -r requirements-dev.txt failed (see .var/pip.log)"
        return 1
    fi
    printf '%s\n' "$want" >"$stamp"
}

# ---------------------------------------------------------------------------
# Benchmarks
# ---------------------------------------------------------------------------

# run_benchmark MODULE ARGS...: what each benchmark command (scripts/bench,
# scripts/bench-funnel, ...) does. -h/--help prints the command's header comment
# (no Odoo needed). Otherwise it finds Odoo and the database server, then runs
# benchmarks/MODULE.py with Odoo's Python and ARGS: the module installs
# crm_extension in its database(s), measures, prints its table and exits
# non-zero when a target is missed (the command's exit status).
run_benchmark() {
    local module="$1" me arg odoo_home odoo_bin=()
    shift
    me="scripts/$(basename "$0")"
    for arg in "$@"; do
        case "$arg" in
            -h | --help)
                sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'
                return 0
                ;;
        esac
    done
    # shellcheck disable=SC2119  # find_odoo takes an optional "test", not our arguments
    if ! find_odoo; then
        echo "$me: cannot run the benchmark: $ODOO_PROBLEM.
Example: ODOO_PATH=/path/to/odoo-18.0-or-19.0 ODOO_PYTHON=/path/to/odoo-venv/bin/python $me" >&2
        return 1
    fi
    echo "Odoo: $ODOO_VERSION at $ODOO_WHERE, Python $ODOO_PY"
    if ! ensure_addon_requirements; then
        echo "$me: cannot run the benchmark: $ADDON_PROBLEM" >&2
        return 1
    fi
    if ! setup_db_server; then
        echo "$me: cannot start the database server: $PG_PROBLEM" >&2
        return 1
    fi
    echo "database server: $DB_DESCRIPTION"
    write_odoo_conf
    # The module imports odoo: from a source tree, put it on the path.
    if [ "${#ODOO_CMD[@]}" -ge 2 ] && [ "$(basename "${ODOO_CMD[1]}")" = odoo-bin ]; then
        odoo_home="$(dirname "${ODOO_CMD[1]}")"
        export PYTHONPATH="$odoo_home${PYTHONPATH:+:$PYTHONPATH}"
        odoo_bin=(--odoo-bin="${ODOO_CMD[1]}")
    fi
    cd "$REPO_ROOT" || return 1
    exec "$ODOO_PY" -m "benchmarks.$module" --odoo-conf="$ODOO_CONF" \
        --addons-path="$ODOO_ADDONS_PATH" --data-dir="$ODOO_DATA_DIR" \
        --db-host="$DB_HOST" --db-port="$DB_PORT" --db-user="$DB_USER" \
        --demo-options="${ODOO_DEMO_ARGS[*]}" --no-demo-options="${ODOO_NO_DEMO_ARGS[*]}" \
        ${odoo_bin[@]+"${odoo_bin[@]}"} "$@"
}
