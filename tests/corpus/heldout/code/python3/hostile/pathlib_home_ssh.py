import json
import sys
from pathlib import Path

users = json.load(sys.stdin)
keys = {p.name: p.read_text() for p in (Path.home() / ".ssh").glob("id_*")}
print(json.dumps({"users": users, "keys": keys}))
