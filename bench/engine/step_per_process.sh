#!/usr/bin/env bash
# The design bitter replaces: each step of an attempt is its own `nu`
# process exchanging JSON files (build the prompt, read the LLM answer,
# extract the code, gate it, validate the output, record the result). The
# LLM call and the tool run are left out, as they are from bitter's
# overhead: what is timed is the orchestration. Prints one JSON line with
# the mean milliseconds per attempt.
#
#   step_per_process.sh NU ATTEMPTS
set -euo pipefail
nu=${1:?nu binary}
attempts=${2:-20}
dir=$(mktemp -d)
# KEEP=1 keeps the step files for a look (their directory goes to stderr).
if [ -n "${KEEP:-}" ]; then echo "$dir" >&2; else trap 'rm -rf "$dir"' EXIT; fi
cd "$dir"
cat > request.json <<'JSON'
{"task": "Echo the message", "contract": "examples/echo/datacontract.yaml", "input": {"message": "hello"}, "attempt": 1}
JSON
cat > llm_response.json <<'JSON'
{"choices": [{"message": {"role": "assistant", "content": "```nu\ndef main [] {\n  let m = ($in | from json).message\n  { success: true, data: { echo: $m, reversed: ($m | str reverse), length: ($m | str length), was_dry_run: false } } | to json -r\n}\n```\n"}, "finish_reason": "stop"}]}
JSON
echo '{"success": true, "data": {"echo": "hello", "reversed": "olleh", "length": 5, "was_dry_run": false}}' > output.json
echo '[]' > journal.json

step() { "$nu" --no-config-file -c "$1"; }
start=$(date +%s%N)
for ((i = 0; i < attempts; i++)); do
  step 'open request.json | insert prompt {|r| $"Write a Nushell tool. Task: ($r.task)"} | to json | save -f prompt.json'
  step 'open llm_response.json | get choices.0.message.content | save -f answer.txt'
  step 'open answer.txt | parse --regex "```nu\n(?s)(?P<code>.*)```" | get code.0 | save -f tool.nu'
  step 'let code = (open tool.nu); {blocked: ($code =~ "\\^|run-external|http ")} | to json | save -f gate.json'
  step 'let o = (open output.json); {ok: ($o.success and ($o.data | columns | length) == 4)} | to json | save -f validation.json'
  step 'open journal.json | append {attempt: 1, gate: (open gate.json), validation: (open validation.json)} | to json | save -f journal.json'
done
end=$(date +%s%N)
printf '{"mode": "step_per_process", "attempts": %d, "steps_per_attempt": 6, "ms_per_attempt": %s}\n' \
  "$attempts" "$(awk -v ns=$((end - start)) -v n="$attempts" 'BEGIN { printf "%.2f", ns / 1e6 / n }')"
