#!/usr/bin/env bash
# Introspection latency next to GET /v1/me: p50 and p95 over HTTP against DynamoDB Local (started here), the calls
# interleaved (me, introspect a live token, introspect garbage) so both see the same machine.
# Usage: tests/perf/introspect.sh [calls]   (BUILD=jit measures a Release JIT build instead of Native AOT)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-200}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

. tests/perf/lib.sh
perf_publish "$work/app"
perf_dynamodb 8785
api=http://127.0.0.1:8786
perf_app 8786 "$work/data" 8785 Introspect-Measure-2026 "$work/app/OmakaseRobo.Api"
sleep 1 # the bootstrap operator is written just after start

post() { # path, token, json body
  curl -sf "$api$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$3"
}
totp() { # base32 secret: the current RFC 6238 code
  python3 -c 'import base64,hmac,struct,sys,time
k=base64.b32decode(sys.argv[1]+"="*(-len(sys.argv[1])%8)); h=hmac.digest(k,struct.pack(">Q",int(time.time())//30),"sha1")
o=h[-1]&15; print("%06d"%((struct.unpack(">I",h[o:o+4])[0]&0x7fffffff)%1000000))' "$1"
}

# The operator: first sign-in, new password, TOTP enrolment; then a service client, a tenant and one of its users.
op=$(curl -sf $api/v1/auth/login -H 'Content-Type: application/json' \
  -d '{"tenantId":"platform","email":"op@omakase.local","password":"Introspect-Measure-2026"}' | jq -r .accessToken)
post /v1/me/password "$op" '{"currentPassword":"Introspect-Measure-2026","newPassword":"Harbour-Lantern-7Qz"}' >/dev/null
seed=$(post /v1/me/mfa/totp "$op" '{}' | jq -r .secret)
post /v1/me/mfa/totp/confirm "$op" "{\"code\":\"$(totp "$seed")\"}" >/dev/null
client=$(post /v1/service-clients "$op" '{"name":"perf"}')
client_id=$(jq -r .clientId <<<"$client"); client_secret=$(jq -r .clientSecret <<<"$client")
tenant=$(post /v1/tenants "$op" '{"name":"Perf","adminLimit":3,"requireMfaForAdmins":false}' | jq -r .tenantId)
temporary=$(post "/v1/tenants/$tenant/users" "$op" '{"email":"measure@customer.example","displayName":"Measure","roles":[]}' | jq -r .temporaryPassword)
user=$(curl -sf $api/v1/auth/login -H 'Content-Type: application/json' \
  -d "{\"tenantId\":\"$tenant\",\"email\":\"measure@customer.example\",\"password\":\"$temporary\"}" | jq -r .accessToken)
post /v1/me/password "$user" "{\"currentPassword\":\"$temporary\",\"newPassword\":\"Harbour-Lantern-7Qz\"}" >/dev/null

me() { curl -s -o /dev/null -w '%{time_total}\n' $api/v1/me -H "Authorization: Bearer $user"; }
introspect() { curl -s -o /dev/null -w '%{time_total}\n' $api/oauth2/introspect -u "$client_id:$client_secret" --data-urlencode "token=$1"; }
[ "$(curl -s $api/oauth2/introspect -u "$client_id:$client_secret" --data-urlencode "token=$user" | jq -r .active)" = true ]
for i in $(seq 20); do me >/dev/null; introspect "$user" >/dev/null; done # warm-up
for i in $(seq "$runs"); do
  me >> "$work/me"
  introspect "$user" >> "$work/live"
  introspect "not-a-token-$i" >> "$work/dead"
done

stats() { sort -n "$1" | awk '{a[NR]=$1} END {printf "p50 %.2f ms, p95 %.2f ms", a[int((NR+1)/2)]*1000, a[int(NR*0.95+0.5)]*1000}'; }
echo "build ${BUILD:-aot}, $runs calls each, interleaved, DynamoDB Local"
echo "GET /v1/me:                         $(stats "$work/me")"
echo "POST /oauth2/introspect (live):     $(stats "$work/live")"
echo "POST /oauth2/introspect (garbage):  $(stats "$work/dead")"
