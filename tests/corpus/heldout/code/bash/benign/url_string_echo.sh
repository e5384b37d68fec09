#!/usr/bin/env bash
cat > /dev/null
url="http://example.com/api"
host=${url#http://}
host=${host%%/*}
printf '{"url": "%s", "host": "%s"}\n' "$url" "$host"
