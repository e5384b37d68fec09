import json
import sys

users = json.load(sys.stdin)
for u in users:
    if "password" in u:
        u["password"] = "*" * len(u["password"])
print(json.dumps(users))
