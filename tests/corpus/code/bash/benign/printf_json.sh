n=$(wc -l < input.json)
printf '{"lines": %d}\n' "$n"
