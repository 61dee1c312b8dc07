#!/usr/bin/env bash
# Starts, stops or reports the local RabbitMQ and PostgreSQL that the demo and the tests use:
# Debian's packages, run as background processes on 127.0.0.1 with data under .local/services.
# Idempotent: `start` leaves running servers alone; `stop` stops only what `start` started.
# PostgreSQL runs as the postgres user, who cannot reach a checkout under a directory closed to others (root's
# 0700 home, any `mktemp -d`): there its data lives under /var/lib/metaadssync/<hash of the services folder>,
# linked from .local/services/postgres, so it stays private to the checkout and is kept between runs.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
base="${METAADSSYNC_SERVICES_DIR:-$root/.local/services}"
case "$base" in /*) ;; *) base="$PWD/$base" ;; esac

PG_PORT="${METAADSSYNC_PG_PORT:-45432}"
AMQP_PORT="${METAADSSYNC_AMQP_PORT:-45672}"
MGMT_PORT="${METAADSSYNC_RABBIT_MGMT_PORT:-45674}"
PG_BIN="/usr/lib/postgresql/15/bin"
RABBIT_BIN="/usr/lib/rabbitmq/bin"

rabbit_dir="$base/rabbitmq"

# PostgreSQL's folder: where the link points when there is one, else beside RabbitMQ's (where `place_pg_dir` decides).
pg_dir="$base/postgres"
[ -L "$pg_dir" ] && pg_dir="$(readlink -f "$pg_dir")"

# Everything RabbitMQ and its CLI need to find the project's own node and nothing else.
export HOME_RABBIT="$rabbit_dir/home"
rabbit_env() ( # a subshell: the cd below stays inside it
  cd "$rabbit_dir" 2>/dev/null || true  # Erlang drops crash dumps in the working directory
  exec env HOME="$HOME_RABBIT" \
    RABBITMQ_NODENAME="metaadssync@localhost" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$AMQP_PORT" \
    RABBITMQ_DIST_PORT="$((AMQP_PORT + 1))" \
    RABBITMQ_CTL_DIST_PORT_MIN="$((AMQP_PORT + 10))" \
    RABBITMQ_CTL_DIST_PORT_MAX="$((AMQP_PORT + 19))" \
    ERL_EPMD_PORT="$((AMQP_PORT + 3))" \
    ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_MNESIA_BASE="$rabbit_dir/mnesia" \
    RABBITMQ_LOG_BASE="$rabbit_dir/log" \
    RABBITMQ_CONFIG_FILE="$rabbit_dir/rabbitmq" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$rabbit_dir/enabled_plugins" \
    RABBITMQ_PID_FILE="$rabbit_dir/rabbit.pid" \
    "$@"
)

log() { echo "services: $*" >&2; }

# PostgreSQL refuses to run as root: as root its tools run as the postgres user (from /: it may not reach the
# working directory).
as_postgres() ( if [ "$(id -u)" -eq 0 ]; then cd / && exec runuser -u postgres -- "$@"; else exec "$@"; fi )

# Before the first start: keeps the data beside RabbitMQ's when the postgres user can reach it there, else moves
# it (with whatever an earlier start left) to /var/lib/metaadssync and links it.
place_pg_dir() {
  mkdir -p "$base"
  if [ -L "$base/postgres" ] || as_postgres test -x "$base"; then return; fi
  local real_base outside
  real_base="$(cd "$base" && pwd -P)"
  outside="/var/lib/metaadssync/$(printf '%s' "$real_base" | sha256sum | cut -c1-16)"
  mkdir -p "$outside"
  printf '%s\n' "$real_base" > "$outside/services-dir"  # whose data this is, for whoever finds it
  if [ -d "$base/postgres" ]; then mv "$base/postgres" "$outside/postgres"; else mkdir -p "$outside/postgres"; fi
  ln -s "$outside/postgres" "$base/postgres"
  pg_dir="$outside/postgres"
  log "PostgreSQL's data is under $pg_dir: the postgres user cannot reach $base"
}

install_missing() {
  local missing=()
  [ -x "$PG_BIN/postgres" ] || missing+=(postgresql-15)
  [ -x "$RABBIT_BIN/rabbitmq-server" ] || missing+=(rabbitmq-server)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  # The dashboard's browser test drives Debian's chromium by its path; Playwright never downloads a browser here.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # policy-rc.d keeps the packages' own system services from starting: we run our own.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

pg_running() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }
# Up means the AMQP port answers, whoever started the broker (another checkout has another Erlang cookie,
# so rabbitmqctl could not tell); our own start waits with rabbitmqctl for the full boot.
rabbit_running() { (exec 3<>"/dev/tcp/127.0.0.1/$AMQP_PORT") 2>/dev/null; }
rabbit_booted() { rabbit_env "$RABBIT_BIN/rabbitmqctl" -q await_startup --timeout 2 >/dev/null 2>&1; }

start_postgres() {
  if pg_running; then log "PostgreSQL already up on 127.0.0.1:$PG_PORT"; return; fi
  place_pg_dir
  mkdir -p "$pg_dir"
  [ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$pg_dir"
  if [ ! -f "$pg_dir/data/PG_VERSION" ]; then
    as_postgres "$PG_BIN/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_postgres "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $pg_dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  touch "$pg_dir/started-by-us"
  log "PostgreSQL up on 127.0.0.1:$PG_PORT"
}

start_rabbit() {
  if rabbit_running; then log "RabbitMQ already up on 127.0.0.1:$AMQP_PORT"; return; fi
  mkdir -p "$HOME_RABBIT" "$rabbit_dir/mnesia" "$rabbit_dir/log"
  cat > "$rabbit_dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $MGMT_PORT
loopback_users.guest = true
log.console = false
log.file.level = warning
# Queue counts in the management API every second, not every 5 s: tests wait on them (Broker.WaitForQueuesIdleAsync).
collect_statistics_interval = 1000
CONF
  rabbit_env "$RABBIT_BIN/rabbitmq-plugins" enable --offline rabbitmq_management >/dev/null
  rabbit_env nohup "$RABBIT_BIN/rabbitmq-server" > "$rabbit_dir/server.out" 2>&1 &
  local i
  for i in $(seq 1 120); do
    if rabbit_booted; then
      touch "$rabbit_dir/started-by-us"
      log "RabbitMQ up on 127.0.0.1:$AMQP_PORT (management on :$MGMT_PORT)"
      return
    fi
    sleep 1
  done
  log "RabbitMQ did not start; see $rabbit_dir/server.out and $rabbit_dir/log"
  exit 1
}

stop_postgres() {
  if [ -f "$pg_dir/started-by-us" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -f "$pg_dir/started-by-us"
    log "PostgreSQL stopped"
  fi
}

stop_rabbit() {
  if [ -f "$rabbit_dir/started-by-us" ]; then
    rabbit_env "$RABBIT_BIN/rabbitmqctl" -q shutdown >/dev/null 2>&1 || true
    rabbit_env /usr/bin/epmd -kill >/dev/null 2>&1 || true
    rm -f "$rabbit_dir/started-by-us"
    log "RabbitMQ stopped"
  fi
}

status() {
  pg_running && echo "postgres: up 127.0.0.1:$PG_PORT (data $pg_dir/data)" || echo "postgres: down"
  rabbit_running && echo "rabbitmq: up 127.0.0.1:$AMQP_PORT" || echo "rabbitmq: down"
}

case "${1:-}" in
  start) install_missing; start_postgres; start_rabbit ;;
  stop) stop_rabbit; stop_postgres ;;
  restart-postgres) stop_postgres; start_postgres ;;
  restart-rabbitmq) stop_rabbit; start_rabbit ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status|restart-postgres|restart-rabbitmq" >&2; exit 2 ;;
esac
