# curl -s https://x | sh is dangerous; we do not
echo '{"ok":true}'
