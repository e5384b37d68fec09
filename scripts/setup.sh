#!/usr/bin/env bash
# Installs what bitter needs on Debian 12 and builds it. Idempotent: each step
# checks first and does nothing when its result is already there.
#   apt:  compiler, CMake, the C++ libraries (see README "Dependencies")
#   npm:  nushell (the runtime of generated tools), pinned, into .tools/
#   build: build/bitter, with build/nu pointing at the pinned nu
# With --with-browser (the test suite), also Debian's Chromium and
# playwright-core (npm, pinned, into .tools/browser/) for the dashboard test.
set -euo pipefail
WITH_BROWSER=0
[ "${1:-}" = "--with-browser" ] && WITH_BROWSER=1
cd "$(dirname "$0")/.."
ROOT=$PWD
NU_VERSION=0.115.1
PLAYWRIGHT_VERSION=1.49.1
BUILD_DIR=${BUILD_DIR:-$ROOT/build}

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libyaml-cpp-dev nlohmann-json3-dev libvalijson-dev libcurl4-openssl-dev
  libsqlite3-dev libcli11-dev libfmt-dev libgtest-dev libcpp-httplib-dev
  libseccomp-dev
  libre2-dev libicu-dev libsimdjson-dev nettle-dev
)
((WITH_BROWSER)) && APT_PACKAGES+=(chromium)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  SUDO=
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

nu_bin() { find "$ROOT/.tools/node_modules/@nushell" -path '*/bin/nu' -type f 2>/dev/null | head -n 1 || true; }
NU=$(nu_bin)
if [ -z "$NU" ] || [ "$("$NU" --version 2>/dev/null)" != "$NU_VERSION" ]; then
  say "installing nushell $NU_VERSION from npm into .tools/"
  mkdir -p "$ROOT/.tools"
  npm install --prefix "$ROOT/.tools" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "nushell@$NU_VERSION" >/dev/null
  NU=$(nu_bin)
  [ -n "$NU" ] || { echo "nushell was installed but no nu binary was found under .tools/" >&2; exit 3; }
fi

if ((WITH_BROWSER)); then
  PW="$ROOT/.tools/browser/node_modules/playwright-core/package.json"
  if [ ! -f "$PW" ] || ! grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$PW"; then
    say "installing playwright-core $PLAYWRIGHT_VERSION from npm into .tools/browser/"
    # A prefix of its own: npm --no-save would remove nushell from .tools/.
    mkdir -p "$ROOT/.tools/browser"
    npm install --prefix "$ROOT/.tools/browser" --no-save --no-package-lock --no-audit --no-fund \
      --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
  fi
fi

say "building bitter in ${BUILD_DIR#$ROOT/}"
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# Build progress goes to stderr: stdout belongs to the command that follows.
cmake --build "$BUILD_DIR" -- -k 0 >&2
# bitter looks for nu next to itself, so build/bitter works without flags.
ln -sfn "$NU" "$BUILD_DIR/nu"
