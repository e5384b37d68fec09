#!/usr/bin/env bash
# Sets up everything (idempotent), builds, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export BITTER_NU="$PWD/build/nu"
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 300
