import json, sys
requests = json.load(sys.stdin)["requests"]
print(json.dumps({"count": len(requests)}))
