#!/usr/bin/env bash
# Load figures for the Graph API simulator (issue 3), measured with wrk rather than in a timed test:
#   1. 0 ms latency: 25-row campaign pages, as many as it serves (target ≥ 2,000 req/s on 2 cores);
#   2. 500 ms latency: 500 concurrent connections (target: under 10 % added to the 500 ms).
# The budgets are lifted so that throttling does not stand in for work. Prints the machine's load with each run,
# since the figures mean little when other builds share the CPU.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
port="${SIMULATOR_LOAD_PORT:-18100}"
duration="${SIMULATOR_LOAD_SECONDS:-30}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

dotnet build "$root/src/GraphSimulator" -c Release -nologo -v q
dotnet "$root/src/GraphSimulator/bin/Release/net10.0/MetaAdsSync.GraphSimulator.dll" --urls "http://127.0.0.1:$port" \
  --Simulator:CallBudget=2000000000 --Simulator:AppCallBudget=2000000000 >/dev/null 2>&1 &
simulator=$!
trap 'kill "$simulator"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done

url="http://127.0.0.1:$port/v25.0/act_697495618573979/campaigns?access_token=simulator-token&fields=id,name,status,effective_status,objective,daily_budget,lifetime_budget,created_time,updated_time&limit=25"
set_latency() { curl -sf -X POST "http://127.0.0.1:$port/_sim/config" -H 'content-type: application/json' -d "{\"latencyMs\":$1}" >/dev/null; }

set_latency 0
wrk -t2 -c32 -d5s "$url" >/dev/null
echo "== 0 ms latency, 64 connections ($(uptime | sed 's/.*load/load/'))"
wrk -t2 -c64 -d"${duration}s" --latency "$url"

set_latency 500
echo "== 500 ms latency, 500 connections ($(uptime | sed 's/.*load/load/'))"
wrk -t2 -c500 -d"${duration}s" --timeout 10s --latency "$url"
echo "== after ($(uptime | sed 's/.*load/load/'))"
