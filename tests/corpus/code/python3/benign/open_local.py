import json
with open("out.json", "w") as f:
    json.dump({"a": 1}, f)
print(open("out.json").read())
