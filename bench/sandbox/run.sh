#!/usr/bin/env bash
# Launch overhead of the sandbox: /bin/true and a `nu -c '1'` one-liner run
# (a) plain, (b) through `bitter exec` (sandboxed), (c) through bubblewrap
# set up comparably and, for true.sh, (d) in bare namespaces (util-linux
# unshare: the kernel's share of the cost). Uses hyperfine when present
# (installs it, and bwrap, with apt when run as root). Not part of ctest.
#
#   bench/sandbox_bench.sh [BUILD_DIR] [RUNS]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-30}
bitter=$build/bitter
nu=${BITTER_NU:-$(command -v nu || true)}
[[ -x $bitter ]] || { echo "no $bitter; build first" >&2; exit 2; }
[[ -x $nu ]] || { echo "set BITTER_NU to the nu binary" >&2; exit 2; }

install() {
  command -v "$1" >/dev/null && return 0
  if [[ $(id -u) == 0 ]]; then
    apt-get install -y -qq "$2" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2"; } >/dev/null
  fi
  command -v "$1" >/dev/null
}
have_hf=0; install hyperfine hyperfine && have_hf=1
have_bwrap=0; install bwrap bubblewrap && have_bwrap=1

work=$(mktemp -d /tmp/bitter-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
export BITTER_HOME=$work/home
printf '#!/bin/sh\nexit 0\n' >"$work/true.sh"
printf '1\n' >"$work/one.nu"
mkdir -p "$work/ws"

bwrap_cmd=(bwrap --unshare-all --die-with-parent --new-session --ro-bind /usr /usr
  --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --symlink usr/sbin /sbin
  --proc /proc --dev /dev --tmpfs /tmp --ro-bind "$nu" "$nu" --bind "$work/ws" "$work/ws"
  --chdir "$work/ws" --clearenv)

unshare_cmd=(--user --map-root-user --mount --net --pid --ipc --uts --fork)

declare -A ms
measure() {  # name command...
  local name=$1; shift
  if ((have_hf)); then
    hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/hf.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
    ms[$name]=$(python3 -c "import json;print('%.2f'%(json.load(open('$work/hf.json'))['results'][0]['mean']*1000))")
  else
    local t0 t1
    for _ in 1 2 3; do "$@" >/dev/null 2>&1 </dev/null || true; done
    t0=$(date +%s%N)
    for ((i = 0; i < runs; i++)); do "$@" >/dev/null 2>&1 </dev/null || true; done
    t1=$(date +%s%N)
    ms[$name]=$(awk -v d=$((t1 - t0)) -v n="$runs" 'BEGIN{printf "%.2f", d/n/1e6}')
  fi
  printf '%-22s %8s ms\n' "$name" "${ms[$name]}"
}

echo "per launch, mean of $runs ($([[ $have_hf == 1 ]] && echo hyperfine || echo 'date loop')):"
measure "true plain" /bin/true
# bitter exec runs files, so the true case is `bash true.sh` (exit 0) for all three.
measure "true.sh plain" /bin/bash "$work/true.sh"
measure "true.sh bitter-exec" "$bitter" exec "$work/true.sh" --input ''
((have_bwrap)) && measure "true.sh bwrap" "${bwrap_cmd[@]}" --ro-bind "$work/true.sh" "$work/true.sh" /bin/bash "$work/true.sh"
# The kernel's share: the same namespaces created and torn down, nothing
# mounted, no sandbox tool at all (util-linux unshare).
have_unshare=0
command -v unshare >/dev/null && unshare "${unshare_cmd[@]}" /bin/true 2>/dev/null && have_unshare=1
((have_unshare)) && measure "true.sh unshare" unshare "${unshare_cmd[@]}" /bin/bash "$work/true.sh"
measure "nu plain" "$nu" --no-config-file -c 1
measure "nu bitter-exec" "$bitter" exec "$work/one.nu" --input '' --nu "$nu"
((have_bwrap)) && measure "nu bwrap" "${bwrap_cmd[@]}" "$nu" --no-config-file -c 1

over() { awk -v a="${ms[$1]}" -v b="${ms[$2]}" 'BEGIN{printf "%+.2f ms", a-b}'; }
echo
echo "overhead over plain:"
echo "  true.sh: bitter exec $(over 'true.sh bitter-exec' 'true.sh plain')$( ((have_bwrap)) && echo ", bwrap $(over 'true.sh bwrap' 'true.sh plain')")$( ((have_unshare)) && echo ", namespaces alone $(over 'true.sh unshare' 'true.sh plain')")"
echo "  nu:      bitter exec $(over 'nu bitter-exec' 'nu plain')$( ((have_bwrap)) && echo ", bwrap $(over 'nu bwrap' 'nu plain')")"
echo "(bitter exec also starts bitter itself, creates and removes a workspace and sweeps old ones)"
