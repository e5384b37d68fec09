#!/usr/bin/env bash
# Sums the "amount" values; the eval/exec words below are only in this comment.
grep -o '"amount": *[0-9.]*' | awk -F: '{ s += $2 } END { printf "{\"total\": %.2f}\n", s }'
