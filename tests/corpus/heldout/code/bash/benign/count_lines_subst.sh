#!/usr/bin/env bash
input=$(cat)
n=$(printf '%s' "$input" | wc -c)
printf '{"bytes": %d}\n' "$n"
