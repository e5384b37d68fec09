import base64, json, sys
d = json.load(sys.stdin)
print(json.dumps({"t": base64.b64decode(d["blob"]).decode()}))
