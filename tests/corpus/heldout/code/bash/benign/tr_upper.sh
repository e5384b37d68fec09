#!/usr/bin/env bash
input=$(cat)
printf '%s' "$input" | tr '[:lower:]' '[:upper:]'
