import json, sys
from collections import Counter
c = Counter(json.load(sys.stdin)["words"])
print(json.dumps(dict(c)))
