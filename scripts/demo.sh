#!/usr/bin/env bash
# The main job: starts RabbitMQ and PostgreSQL, builds once, starts every host as its own process,
# and shows them healthy. `--once` stops everything after that; otherwise it stays up until Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

once=false
for arg in "$@"; do
  case "$arg" in
    --once) once=true ;;
    *) echo "usage: $0 [--once]" >&2; exit 2 ;;
  esac
done

logs="$root/.local/demo/logs"
mkdir -p "$logs"
pids=()

stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

bash scripts/services.sh start
psql_admin() { psql -h 127.0.0.1 -p "${METAADSSYNC_PG_PORT:-45432}" -U postgres -tAq "$@"; }
psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'metaadssync'" | grep -q 1 ||
  psql_admin -c "CREATE DATABASE metaadssync"

echo "demo: building (Release)"
dotnet build MetaAdsSync.sln -c Release -nologo -v q

start_host() { # name project port
  local name=$1 project=$2 port=$3
  (cd "src/$project/bin/Release/net10.0" &&
    exec dotnet "MetaAdsSync.$project.dll" --urls "http://127.0.0.1:$port") > "$logs/$name.log" 2>&1 &
  pids+=($!)
  hosts+=("$name $port")
}

wait_ready() { # name port
  local name=$1 port=$2 i
  for i in $(seq 1 120); do
    if curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then
      printf '  %-18s ready  http://127.0.0.1:%s/health/ready\n' "$name" "$port"
      return
    fi
    sleep 0.5
  done
  echo "demo: $name did not become ready; see $logs/$name.log" >&2
  exit 1
}

hosts=()
start_host orchestrator Orchestrator 5081
start_host gateway Gateway 5080
start_host entity-fetcher-1 EntityFetcher 5082
start_host entity-fetcher-2 EntityFetcher 5083
start_host insight-fetcher-1 InsightFetcher 5084
start_host insight-fetcher-2 InsightFetcher 5085

echo "demo: waiting for every host to be ready"
for h in "${hosts[@]}"; do wait_ready $h; done

echo "demo: logs in $logs"
if [ "$once" = true ]; then
  echo "demo: --once given; stopping"
  exit 0
fi
echo "demo: gateway at http://127.0.0.1:5080/ — Ctrl-C stops everything"
wait
