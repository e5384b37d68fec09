#!/usr/bin/env bash
# Validation benchmark: the same NDJSON validated, in the same run, by
# `bitter validate`, ajv (npm, compiled validators) and python3-jsonschema
# (Debian), against the JSON Schema bitter derives (`bitter schema`). Prints
# records/s and the ratios against the targets (bitter >= 2x ajv, >= 50x
# python3-jsonschema). `--memory` instead measures bitter's peak RSS on a
# ~1 GiB NDJSON file (target < 64 MiB). See bench/README.md.
#
#   bench/validate/run.sh [--records N] [--py-records N] [--runs R]
#   bench/validate/run.sh --memory [--bytes B]
#
# Idempotent: installs what is missing (python3-jsonschema and time with apt,
# ajv + ajv-formats with npm into .tools/bench), builds bitter with
# scripts/setup.sh when build/bitter is missing or has no `schema` command,
# and caches data under bench/validate/.data (regenerated when gen.py
# changes). BITTER=/path/to/bitter uses that binary and never builds.
# Exit: 0 all targets met (or bitter validate not available), 1 a target
# missed or a tool failed, 2 bad usage, 3 set-up failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=$here/.data
tools=$root/.tools/bench
PY=/usr/bin/python3 # Debian's python: python3-jsonschema lives there

records=100000
py_records=10000
runs=3
memory=0
bytes=$((1 << 30))
usage() { sed -n '9,10p' "$0" | sed 's/^#  *//' >&2; exit 2; }
while (($#)); do
  case $1 in
    --records) records=${2:?}; shift 2 ;;
    --py-records) py_records=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --memory) memory=1; shift ;;
    --bytes) bytes=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    *) echo "run.sh: unknown argument $1" >&2; usage ;;
  esac
done
for v in "$records" "$py_records" "$runs" "$bytes"; do
  [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: not a positive number: $v" >&2; exit 2; }
done
((py_records <= records)) || py_records=$records

say() { printf '==> %s\n' "$*" >&2; }
die() { echo "run.sh: $*" >&2; exit 3; }
SUDO=
[[ $(id -u) == 0 ]] || SUDO=sudo
apt_install() {
  say "installing Debian packages: $*"
  $SUDO apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null; }
}

# --- dependencies ----------------------------------------------------------
[[ -x $PY ]] || apt_install python3
$PY -c 'import jsonschema' 2>/dev/null || apt_install python3-jsonschema
$PY -c 'import jsonschema' 2>/dev/null || die "python3-jsonschema did not install"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then apt_install nodejs npm; fi
if [[ ! -f $tools/node_modules/ajv/package.json || ! -f $tools/node_modules/ajv-formats/package.json ]]; then
  say "installing ajv and ajv-formats from npm into .tools/bench"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    ajv ajv-formats >/dev/null || die "npm install ajv ajv-formats failed"
fi
((memory)) && { [[ -x /usr/bin/time ]] || apt_install time; }

# --- bitter ----------------------------------------------------------------
# has_command BITTER NAME: NAME is listed under "Subcommands:" in BITTER --help.
has_command() {
  "$1" --help 2>/dev/null | sed -n '/^Subcommands:/,/^$/p' | grep -qE "^[[:space:]]+$2([[:space:]]|$)"
}
if [[ -n ${BITTER:-} ]]; then
  [[ -x $BITTER ]] || die "BITTER=$BITTER is not executable"
else
  BITTER=$root/build/bitter
  if [[ ! -x $BITTER ]] || ! has_command "$BITTER" schema; then
    say "building bitter with scripts/setup.sh"
    "$root/scripts/setup.sh" >&2 || die "scripts/setup.sh failed"
  fi
fi
has_command "$BITTER" schema || die "$BITTER has no 'schema' command (rebuild, or set BITTER=)"
have_validate=0
has_command "$BITTER" validate && have_validate=1

# --- helpers ---------------------------------------------------------------
mkdir -p "$data"
# gen MODEL N FILE [--until-bytes B]: cached; regenerated when gen.py is newer.
gen() {
  local file=$3
  if [[ ! -s $file || $here/gen.py -nt $file ]]; then
    say "generating $file"
    $PY "$here/gen.py" "$1" "$2" "$file" "${@:4}"
  fi
}
now_ns() { date +%s%N; }
# json_field JSON KEY
json_field() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r + 0 >= t) ? "PASS" : "MISS" }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }
group() { printf "%d" "$1"; }
export LC_ALL=C # '.' decimals in awk and printf whatever the user's locale

ajv_version=$(node -p "require('$tools/node_modules/ajv/package.json').version")
py_version=$($PY -c 'import importlib.metadata as m; print(m.version("jsonschema"))')
failed=0
missed=0

# peer TOOL SCHEMA DATA N -> sets peer_wall peer_inproc (best of $runs), or returns 1
peer() {
  local tool=$1 schema=$2 file=$3 n=$4 out t0 t1 i w s got
  peer_wall="" peer_inproc=""
  for ((i = 0; i < runs; i++)); do
    t0=$(now_ns)
    if [[ $tool == ajv ]]; then
      out=$(node "$here/ajv_validate.mjs" "$schema" "$file" --limit "$n") || { echo "$out" >&2; return 1; }
    else
      out=$($PY "$here/py_validate.py" "$schema" "$file" --limit "$n") || { echo "$out" >&2; return 1; }
    fi
    t1=$(now_ns)
    got=$(json_field "$out" records)
    [[ $got == "$n" ]] || { echo "$tool validated $got records, expected $n" >&2; return 1; }
    w=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.4f", d / 1e9 }')
    s=$(json_field "$out" seconds)
    peer_wall=$(min "$peer_wall" "$w")
    peer_inproc=$(min "$peer_inproc" "$s")
  done
}

# bitter_run CONTRACT DATA MODEL -> sets bitter_wall (best of $runs), or returns 1
bitter_run() {
  local t0 t1 i w rc report=$data/bitter-report.txt
  bitter_wall=
  for ((i = 0; i < runs; i++)); do
    t0=$(now_ns)
    rc=0
    "$BITTER" validate "$1" "$2" --model "$3" >"$report" 2>&1 || rc=$?
    t1=$(now_ns)
    if ((rc != 0)); then
      echo "bitter validate exited $rc; its report (first lines of $report):" >&2
      head -n 20 "$report" >&2
      return 1
    fi
    w=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.4f", d / 1e9 }')
    bitter_wall=$(min "$bitter_wall" "$w")
  done
}

row() { printf '%-28s %9s %9s %13s %13s\n' "$@"; }

# --- memory mode -----------------------------------------------------------
if ((memory)); then
  file=$data/echo-$bytes-bytes.ndjson
  contract=$here/contracts/echo.yaml
  if ((!have_validate)); then
    echo "bitter validate: not available ($BITTER has no 'validate' command); memory check skipped"
    exit 0
  fi
  avail_kb=$(df -Pk "$data" | awk 'NR == 2 { print $4 }')
  [[ -s $file ]] || ((avail_kb > bytes / 1024 + 262144)) || die "not enough disk space in $data for $bytes bytes"
  gen echo 1 "$file" --until-bytes "$bytes"
  n=$(wc -l <"$file")
  size=$(stat -c %s "$file")
  say "bitter validate on $file ($(group "$n") records, $(group "$size") bytes)"
  t0=$(now_ns)
  rc=0
  /usr/bin/time -v -o "$data/time-v.txt" "$BITTER" validate "$contract" "$file" --model EchoResponse \
    >"$data/bitter-report.txt" 2>&1 || rc=$?
  t1=$(now_ns)
  rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$data/time-v.txt")
  wall=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.2f", d / 1e9 }')
  echo "memory: bitter validate, echo model, $(group "$size") bytes, $(group "$n") records"
  echo "  exit code        $rc (0 expected)"
  echo "  wall time        $wall s ($(group "$(rate "$n" "$wall")") records/s)"
  echo "  peak RSS         $(awk -v k="$rss_kb" 'BEGIN { printf "%.1f MiB (%d kB)", k / 1024, k }')"
  v=PASS
  ((rss_kb < 64 * 1024)) || v=MISS
  ((rc == 0)) || { v="MISS (exit $rc; see $data/bitter-report.txt)"; }
  echo "  target < 64 MiB  $v"
  [[ $v == PASS ]]
  exit $?
fi

# --- throughput mode -------------------------------------------------------
echo "validation benchmark: $(group "$records") records per data set (python3-jsonschema: first" \
  "$(group "$py_records")), best of $runs run(s), $(nproc) CPU(s)"
echo "bitter: $BITTER; ajv $ajv_version + ajv-formats; python3-jsonschema $py_version ($PY)"
echo "records/s (wall) times the whole process (start-up, schema load, read, parse, validate);"
echo "records/s (in-process) excludes start-up and schema compile. Ratios take the peer's"
echo "in-process rate (its best case) against bitter's whole-process rate."

for set in echo:EchoResponse nested:Order; do
  name=${set%%:*} model=${set#*:}
  contract=$here/contracts/$name.yaml
  file=$data/$name-$records.ndjson
  schema=$data/$name.schema.json
  gen "$name" "$records" "$file"
  "$BITTER" schema "$contract" --model "$model" >"$schema" || die "bitter schema $contract failed"

  echo
  echo "data set $name ($model): $(group "$(stat -c %s "$file")") bytes, $(group "$records") records"
  row tool records "wall s" "rec/s wall" "rec/s in-proc"
  bitter_rate=
  if ((have_validate)); then
    if bitter_run "$contract" "$file" "$model"; then
      bitter_rate=$(rate "$records" "$bitter_wall")
      row "bitter validate" "$records" "$bitter_wall" "$(group "$bitter_rate")" "-"
    else
      row "bitter validate" "$records" FAILED - -
      failed=1
    fi
  else
    echo "bitter validate: not available ($BITTER has no 'validate' command)"
  fi
  declare -A inproc_rate=()
  for tool in ajv python; do
    label="ajv $ajv_version" n=$records
    [[ $tool == python ]] && label="python3-jsonschema $py_version" n=$py_records
    if peer "$tool" "$schema" "$file" "$n"; then
      inproc_rate[$tool]=$(rate "$n" "$peer_inproc")
      row "$label" "$n" "$peer_wall" "$(group "$(rate "$n" "$peer_wall")")" "$(group "${inproc_rate[$tool]}")"
    else
      row "$label" "$n" FAILED - -
      failed=1
    fi
  done
  for tool in ajv:2 python:50; do
    t=${tool%%:*} target=${tool#*:}
    if [[ -z $bitter_rate || -z ${inproc_rate[$t]:-} ]]; then
      printf '  bitter/%-7s n/a (target >= %sx)\n' "$t" "$target"
    else
      r=$(ratio "$bitter_rate" "${inproc_rate[$t]}")
      v=$(verdict "$r" "$target")
      [[ $v == PASS ]] || missed=1
      printf '  bitter/%-7s %sx (target >= %sx) %s\n' "$t" "$r" "$target" "$v"
    fi
  done
  unset inproc_rate
done

((failed)) && exit 1
((missed)) && exit 1
exit 0
