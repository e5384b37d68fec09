import json
import sys
from collections import Counter

conns = json.load(sys.stdin)
# "socket", "host" and "port" are fields of a netstat export, nothing is opened.
c = Counter((x["socket"], x["port"]) for x in conns)
print(json.dumps([{"socket": s, "port": p, "n": n} for (s, p), n in c.items()]))
