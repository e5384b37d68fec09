tr a-z A-Z < input.json > out.json 2>/dev/null
cat out.json
