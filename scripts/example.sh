#!/usr/bin/env bash
# Sets up everything (idempotent), then runs the echo example end to end:
# the replayed model answers first forget a field, the contract catches it,
# the loop feeds the error back, the second answer passes. --no-cache: every
# run shows the loop, not the tool an earlier run of the example validated.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec ./build/bitter run examples/echo/datacontract.yaml \
  --task @examples/echo/task.txt \
  --input @examples/echo/input.json --no-cache \
  --llm "${BITTER_LLM:-replay:examples/echo/answers.jsonl}" "$@"
