import re, json, sys
pat = re.compile(r"^\s*(\w+)")
print(json.dumps({"m": bool(pat.match("abc"))}))
