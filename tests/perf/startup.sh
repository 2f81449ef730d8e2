#!/usr/bin/env bash
# Start-up to the first /healthz 200: the Native AOT build against the JIT build, 5 runs each, against one
# DynamoDB Local started here (its own start is not counted). Usage: tests/perf/startup.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet publish src/OmakaseRobo.Api -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" >/dev/null
dotnet publish src/OmakaseRobo.Api -c Release -r linux-x64 -p:PublishAot=false -p:PublishReadyToRun=false -o "$work/jit" >/dev/null

. tests/perf/lib.sh
perf_dynamodb 8765

measure() { # name, command...
  local name=$1; shift
  local times=()
  for i in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8765 Omakase__Local__DataDir="$work/data" \
      Omakase__Bootstrap__OperatorEmail=op@omakase.local Omakase__Bootstrap__OperatorPassword=Startup-Measure-2026 \
      ASPNETCORE_URLS=http://127.0.0.1:8766 "$@" >/dev/null 2>&1 &
    local pid=$!
    until curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8766/healthz 2>/dev/null | grep -q 200; do sleep 0.002; done
    end=$(date +%s%N)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    local ms=$(( (end - start) / 1000000 ))
    times+=("$ms")
    echo "$name run $i: ${ms} ms"
  done
  echo "$name median: $(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p") ms"
}

measure aot "$work/aot/OmakaseRobo.Api"
measure jit dotnet "$work/jit/OmakaseRobo.Api.dll"
