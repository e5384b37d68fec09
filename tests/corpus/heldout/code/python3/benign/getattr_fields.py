import json
import sys
from types import SimpleNamespace

rows = [SimpleNamespace(**r) for r in json.load(sys.stdin)]
fields = ["name", "team", "role"]
print(json.dumps([{f: getattr(r, f, None) for f in fields} for r in rows]))
