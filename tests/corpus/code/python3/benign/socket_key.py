import json
print(json.dumps({"socket": "closed", "http": "none", "subprocess_used": False}))
