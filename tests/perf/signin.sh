#!/usr/bin/env bash
# Sign-in latency (p50) of the Native AOT build over HTTP against one bare bcrypt verify at the same cost, and the
# latency of GET /v1/me, against DynamoDB Local (started here). Usage: tests/perf/signin.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-40}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# BUILD=jit measures the JIT build instead (the bare bcrypt below runs on the JIT).
. tests/perf/lib.sh
perf_publish "$work/aot"
perf_dynamodb 8775
perf_app 8776 "$work/data" 8775 Signin-Measure-2026 "$work/aot/OmakaseRobo.Api"

p50() { sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]*1000}'; }
login='{"tenantId":"platform","email":"op@omakase.local","password":"Signin-Measure-2026"}'
curl -s -o /dev/null http://127.0.0.1:8776/v1/auth/login -H 'Content-Type: application/json' -d "$login"   # warm-up
for i in $(seq "$runs"); do
  curl -s -o /dev/null -w '%{time_total}\n' http://127.0.0.1:8776/v1/auth/login -H 'Content-Type: application/json' -d "$login"
done | p50 > "$work/login"
token=$(curl -s http://127.0.0.1:8776/v1/auth/login -H 'Content-Type: application/json' -d "$login" | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')
for i in $(seq $((runs * 5))); do
  curl -s -o /dev/null -w '%{time_total}\n' http://127.0.0.1:8776/v1/me -H "Authorization: Bearer $token"
done | p50 > "$work/me"

echo "sign-in over HTTP (${BUILD:-aot}), bcrypt cost 12: p50 $(cat "$work/login") ms over $runs runs"
echo "GET /v1/me over HTTP: p50 $(cat "$work/me") ms over $((runs * 5)) runs"
dotnet run -c Release --project tests/OmakaseRobo.Benchmarks -- bcrypt 12 "$runs"
