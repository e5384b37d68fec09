import json
paths = ["/etc/shadow", "~/.ssh/id_rsa", "../up"]
print(json.dumps({"n": len(paths)}))
