cat input.json | wc -c
