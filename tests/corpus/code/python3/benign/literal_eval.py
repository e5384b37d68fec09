import ast, json, sys
v = ast.literal_eval(sys.stdin.read())
print(json.dumps({"v": v}))
