#!/usr/bin/env bash
# The main job: starts RabbitMQ and PostgreSQL, builds once, starts the Graph API simulator (500 ms per call, as
# the seed measured Meta), the Orchestrator, the Gateway, two EntityFetchers and two InsightFetchers as separate
# processes, syncs every account through the API and prints the seed audit's table from the real results.
# Then it stays up (dashboard and API) until Ctrl-C; --once stops everything after the table.
#   --latency MS      the simulator's latency per call (default 500)
#   --graph-url URL   use that Graph API instead of the simulator (token from META_ACCESS_TOKEN)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

once=false
latency=500
graph_url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --once) once=true ;;
    --latency) latency="$2"; shift ;;
    --graph-url) graph_url="$2"; shift ;;
    *) echo "usage: $0 [--once] [--latency MS] [--graph-url URL]" >&2; exit 2 ;;
  esac
  shift
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
dotnet build MetaAdsSync.sln -c Release -nologo -v q -clp:ErrorsOnly

sim_port=18080
if [ -n "$graph_url" ]; then
  export Meta__BaseUrl="$graph_url"
  export Meta__AccessToken="${META_ACCESS_TOKEN:?set META_ACCESS_TOKEN to use --graph-url}"
else
  export Meta__BaseUrl="http://127.0.0.1:$sim_port"
  export Meta__AccessToken="simulator-token"
fi
# The hosts' appsettings name the default service ports; follow services.sh when they are overridden.
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=${METAADSSYNC_PG_PORT:-45432};Username=postgres;Database=metaadssync"
export RabbitMq__Port="${METAADSSYNC_AMQP_PORT:-45672}"
export Gateway__AllowAnonymous=true
export Scheduler__Enabled=false

hosts=()
start_host() { # name project port [args...]
  local name=$1 project=$2 port=$3
  shift 3
  (cd "src/$project/bin/Release/net10.0" &&
    exec dotnet "MetaAdsSync.$project.dll" --urls "http://127.0.0.1:$port" "$@") > "$logs/$name.log" 2>&1 &
  pids+=($!)
  hosts+=("$name $port")
}

wait_ready() { # name port
  local name=$1 port=$2 i
  for i in $(seq 1 240); do
    if curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then
      printf '  %-18s ready  http://127.0.0.1:%s\n' "$name" "$port"
      return
    fi
    sleep 0.5
  done
  echo "demo: $name did not become ready; see $logs/$name.log" >&2
  exit 1
}

[ -n "$graph_url" ] || start_host graph-simulator GraphSimulator "$sim_port" --Simulator:LatencyMs="$latency"
start_host orchestrator Orchestrator 5081
start_host gateway Gateway 5080
start_host entity-fetcher-1 EntityFetcher 5082
start_host entity-fetcher-2 EntityFetcher 5083
start_host insight-fetcher-1 InsightFetcher 5084
start_host insight-fetcher-2 InsightFetcher 5085

echo "demo: waiting for every process to be ready"
for h in "${hosts[@]}"; do wait_ready $h; done

status=0
python3 scripts/demo-report.py http://127.0.0.1:5080 || status=$?
echo "demo: logs in $logs"
if [ "$once" = true ]; then
  echo "demo: --once given; stopping"
  exit "$status"
fi
echo "demo: API and dashboard at http://127.0.0.1:5080/ (OpenAPI: /openapi/v1.json) — Ctrl-C stops everything"
wait
