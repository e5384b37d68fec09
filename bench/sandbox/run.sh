#!/usr/bin/env bash
# Launch overhead of the sandbox, in one run, for a trivial tool (true.sh,
# run by bash) and a `nu -c 1` one-liner:
#   (a) plain: the command itself (fork/exec, no isolation);
#   (b) `bitter exec` (a whole bitter process: start-up, workspace made and
#       removed, old ones swept, sandbox, capture);
#   (c) bubblewrap set up comparably (namespaces, read-only /usr, private
#       /proc, /dev and /tmp, the workspace writable, no capabilities,
#       uid 65534, a new session). Lighter than bitter still: no seccomp
#       filter (bwrap reads one from a descriptor, which repeated runs
#       without a shell cannot hand it afresh), no rlimits, no workspace
#       made and removed per run;
#   (d) true.sh in bare namespaces (util-linux unshare, nothing mounted):
#       the kernel's share;
#   (e) in-process, as `bitter run` pays it for every tool it runs:
#       run_process() sandboxed against a plain posix_spawn (bench_sandbox).
# Targets (issue 4): bitter's added cost over plain <= bubblewrap's, and
# under 5 ms. Uses hyperfine (and installs it and bwrap with apt as root).
# Not part of ctest.
#
#   bench/sandbox/run.sh [BUILD_DIR] [RUNS]
#
# Exit 0 every target met, 1 one missed, 2 bad usage or nothing to run.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
runs=${2:-30}
bitter=$build/bitter
nu=${BITTER_NU:-$build/nu}
[[ -x $bitter ]] || { echo "no $bitter; build first (scripts/setup.sh)" >&2; exit 2; }
[[ -x $nu ]] || { echo "no nu at $nu; set BITTER_NU" >&2; exit 2; }
nu=$(readlink -f "$nu")
cmake --build "$build" --target bench_sandbox >/dev/null

install() {
  command -v "$1" >/dev/null && return 0
  if [[ $(id -u) == 0 ]]; then
    apt-get install -y -qq "$2" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2"; } >/dev/null
  fi
  command -v "$1" >/dev/null
}
install hyperfine hyperfine || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }
have_bwrap=0; install bwrap bubblewrap && have_bwrap=1

work=$(mktemp -d /tmp/bitter-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
export BITTER_HOME=$work/home
printf '#!/bin/sh\nexit 0\n' >"$work/true.sh"
printf '1\n' >"$work/one.nu"
mkdir -p "$work/ws"

bwrap_cmd=(bwrap --unshare-all --die-with-parent --new-session --cap-drop ALL --uid 65534 --gid 65534
  --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64
  --symlink usr/sbin /sbin --proc /proc --dev /dev --tmpfs /tmp --ro-bind "$nu" "$nu"
  --bind "$work/ws" "$work/ws" --chdir "$work/ws" --clearenv)
unshare_cmd=(--user --map-root-user --mount --net --pid --ipc --uts --fork)

declare -A ms
measure() {  # name command...
  local name=$1; shift
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/hf.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
  ms[$name]=$(python3 -c "import json;print('%.2f'%(json.load(open('$work/hf.json'))['results'][0]['mean']*1000))")
  printf '  %-22s %8s ms\n' "$name" "${ms[$name]}"
}

echo "== whole commands, mean of $runs (hyperfine)"
# bitter exec runs files, so the true case is `bash true.sh` (exit 0) for all.
measure "true.sh plain" /bin/bash "$work/true.sh"
measure "true.sh bitter-exec" "$bitter" exec "$work/true.sh" --input ''
((have_bwrap)) && measure "true.sh bwrap" "${bwrap_cmd[@]}" --ro-bind "$work/true.sh" "$work/true.sh" /bin/bash "$work/true.sh"
have_unshare=0
command -v unshare >/dev/null && unshare "${unshare_cmd[@]}" /bin/true 2>/dev/null && have_unshare=1
((have_unshare)) && measure "true.sh unshare" unshare "${unshare_cmd[@]}" /bin/bash "$work/true.sh"
measure "nu plain" "$nu" --no-config-file -c 1
measure "nu bitter-exec" "$bitter" exec "$work/one.nu" --input '' --nu "$nu"
((have_bwrap)) && measure "nu bwrap" "${bwrap_cmd[@]}" "$nu" --no-config-file -c 1
measure "bitter --version" "$bitter" --version

over() { awk -v a="${ms[$1]}" -v b="${ms[$2]}" 'BEGIN{printf "%.2f", a-b}'; }
declare -A added
added[exec true.sh]=$(over 'true.sh bitter-exec' 'true.sh plain')
added[exec nu]=$(over 'nu bitter-exec' 'nu plain')
if ((have_bwrap)); then
  added[bwrap true.sh]=$(over 'true.sh bwrap' 'true.sh plain')
  added[bwrap nu]=$(over 'nu bwrap' 'nu plain')
fi

echo "== in a running bitter, as bitter run launches tools (bench_sandbox, $((runs * 3)) runs each)"
field() { python3 -c "import json,sys; print('%.2f' % json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
while read -r line; do
  name=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['command'])" "$line")
  key=${name%% *}
  added[loop $key]=$(field "$line" added_ms_mean)
  printf '  %-10s plain %6s ms, sandboxed %6s ms: +%s ms (p50 +%s)\n' "$name" "$(field "$line" plain_ms_mean)" \
    "$(field "$line" sandboxed_ms_mean)" "${added[loop $key]}" "$(field "$line" added_ms_p50)"
done < <("$build/bench_sandbox" --nu "$nu" --runs $((runs * 3)) --dir "$work/inproc")

echo "== added over plain"
for tool in true.sh nu; do
  printf '  %-8s bitter exec +%s ms, in bitter run +%s ms%s\n' "$tool" "${added[exec $tool]}" "${added[loop $tool]}" \
    "$( ((have_bwrap)) && echo ", bwrap +${added[bwrap $tool]} ms")"
done
echo "  (bitter exec includes bitter's own start-up, ${ms[bitter --version]} ms for --version, and its workspace)"

ok=0
verdict() { if awk "BEGIN { exit !($2) }"; then echo "PASS  $1"; else echo "FAIL  $1"; ok=1; fi; }
echo "== targets"
for tool in true.sh nu; do
  for where in exec loop; do
    what="bitter $([[ $where == exec ]] && echo exec || echo 'run (in-process)') $tool +${added[$where $tool]} ms"
    verdict "$what < 5 ms" "${added[$where $tool]} < 5"
    ((have_bwrap)) && verdict "$what <= bwrap +${added[bwrap $tool]} ms" "${added[$where $tool]} <= ${added[bwrap $tool]}"
  done
done
exit $ok
