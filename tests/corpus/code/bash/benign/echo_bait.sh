echo 'rm -rf /' | wc -c
