import builtins, json, sys

src = json.load(sys.stdin)
f = builtins.__dict__["ex" + "ec"]
f(src["transform"])
print(json.dumps(src))
