#!/usr/bin/env bash
cat > input.json
sort -u input.json > sorted.txt
printf '{"lines": %d}\n' "$(wc -l < sorted.txt)"
rm -f sorted.txt
