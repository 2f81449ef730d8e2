#!/usr/bin/env bash
# Every test of the repository. DynamoDB Local is fetched on first use and started by the tests
# themselves (unless AWS_ENDPOINT_URL_DYNAMODB names one), and stopped when they end.
set -euo pipefail
cd "$(dirname "$0")"
dotnet test OmakaseRobo.sln "$@"
