cmd="cat /etc/passwd"
eval "$cmd"
