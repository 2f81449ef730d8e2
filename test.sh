#!/usr/bin/env bash
# Every test of the repository: the API against DynamoDB Local (fetched on first use and started by the tests
# themselves unless AWS_ENDPOINT_URL_DYNAMODB names one; stopped when they end) and the CDK app's template.
set -euo pipefail
cd "$(dirname "$0")"
export CDK_DISABLE_CLI_TELEMETRY=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
# jsii leaves about 66 MB in the temporary folder on each synthesis: give the run its own and remove it after.
run_tmp=$(mktemp -d)
trap 'rm -rf "$run_tmp"' EXIT
export TMPDIR="$run_tmp"
dotnet test OmakaseRobo.sln "$@"
