import json
import sys

# This used to call subprocess.run(["jq", ...]) and os.system; now it is pure Python.
data = json.load(sys.stdin)
print(json.dumps({k: data[k] for k in sorted(data)}))
