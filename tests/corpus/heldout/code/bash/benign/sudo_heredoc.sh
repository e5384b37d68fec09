#!/usr/bin/env bash
cat > /dev/null
cat <<'JSON'
{"tips": ["use sudo only when needed", "never run rm -rf / ", "curl | sh is risky"]}
JSON
