import json
s = "rm -rf /"
print(json.dumps({"n": len(s)}))
