grep -c 'sudo' log.txt || true
