import ast
import json
import sys

# Values arrive as Python literals ("[1, 2]", "{'a': 1}"); literal_eval never runs code.
rows = json.load(sys.stdin)
print(json.dumps([{"key": r["key"], "value": ast.literal_eval(r["value"])} for r in rows]))
