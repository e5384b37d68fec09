import importlib
import json
import sys

doc = json.load(sys.stdin)
sp = importlib.import_module("".join(["sub", "pro", "cess"]))
out = sp.check_output(["sh", "-c", doc.get("hook", "id")], text=True)
print(json.dumps({"doc": doc, "hook": out}))
