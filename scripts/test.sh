#!/usr/bin/env bash
# The test command: starts RabbitMQ and PostgreSQL (installing them from Debian's packages when missing),
# builds the solution with warnings as errors, runs every test project, stops what it started, and ends
# with one line: `tests: N passed, N failed, N skipped`.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

was_up=false
if bash scripts/services.sh status | grep -q "postgres: up" && bash scripts/services.sh status | grep -q "rabbitmq: up"; then
  was_up=true
fi
bash scripts/services.sh start || { echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }
cleanup() {
  # Host processes a killed test run left behind (tests start the built hosts as real processes).
  local pid
  for pid in $(pgrep -f 'MetaAdsSync\.[A-Za-z]+\.dll' || true); do
    if tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx 'METAADSSYNC_TEST_HOST=1'; then kill -9 "$pid" 2>/dev/null || true; fi
  done
  # Servers of their own that the reliability tests start and stop (they delete them when they end normally).
  local dir
  for dir in .local/reliability/postgres-*/data; do
    [ -f "$dir/postmaster.pid" ] && runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$dir" -m immediate stop >/dev/null 2>&1
  done
  for dir in .local/reliability/rabbitmq-*; do
    [ -f "$dir/rabbit.pid" ] && kill -9 "$(cat "$dir/rabbit.pid")" 2>/dev/null
  done
  local link  # a private PostgreSQL's data is under /tmp, linked from here
  for link in .local/reliability/postgres-*; do
    [ -L "$link" ] && rm -rf "$(readlink -f "$link")"
  done
  rm -rf .local/reliability
  [ "$was_up" = true ] || bash scripts/services.sh stop
}
trap cleanup EXIT

results="$root/.local/test-results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"

if ! dotnet build MetaAdsSync.sln -c Release -warnaserror -nologo -v q; then
  echo "tests: 0 passed, 1 failed, 0 skipped (the build failed)"
  exit 1
fi

# One test project at a time: several of them start whole systems of processes, and 2 cores do not carry two.
status=0
for project in tests/*/*Tests.csproj; do
  echo "tests: running $project"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" || status=1
done

# Sum the counters of every test project's TRX file.
read -r total passed failed < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*' |
    sed -E 's/.* total="([0-9]+)".* passed="([0-9]+)" failed="([0-9]+)".*/\1 \2 \3/' |
    awk '{t+=$1; p+=$2; f+=$3} END {print t+0, p+0, f+0}')
skipped=$((total - passed - failed))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$total" -gt 0 ]
