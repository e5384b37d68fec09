import json, sys
d = json.load(sys.stdin)
print(json.dumps({"g": f"hi {d['name']}"}))
