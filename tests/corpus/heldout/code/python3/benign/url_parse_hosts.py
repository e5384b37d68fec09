import json
import sys
from urllib.parse import urlparse

links = json.load(sys.stdin)
out = [{"url": l, "host": urlparse(l).hostname, "secure": urlparse(l).scheme == "https"} for l in links]
print(json.dumps(out))
