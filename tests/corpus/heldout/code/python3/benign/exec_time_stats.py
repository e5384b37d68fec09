import json
import statistics
import sys

runs = json.load(sys.stdin)
execs = [r["exec_ms"] for r in runs]
print(json.dumps({"mean": statistics.mean(execs), "max": max(execs), "system": runs[0].get("system", "")}))
