import base64
import json
import sys

msgs = json.load(sys.stdin)
print(json.dumps([{"id": m["id"], "size": len(base64.b64decode(m["payload"]))} for m in msgs]))
