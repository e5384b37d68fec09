#!/usr/bin/env bash
# Sets up everything (idempotent), builds, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --with-browser
export BITTER_NU="$PWD/build/nu"
# Serial: sandboxed tools of concurrent tests would share one uid's process budget.
ctest --test-dir build --output-on-failure --timeout 300
