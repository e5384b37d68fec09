import json
import re
import sys

TOKEN = re.compile(r"(password|token|secret)=\S+", re.I)
lines = json.load(sys.stdin)["lines"]
print(json.dumps([TOKEN.sub(r"\1=***", l) for l in lines]))
