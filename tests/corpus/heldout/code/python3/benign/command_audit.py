import json
import sys

DANGEROUS = ("rm -rf", "curl | sh", "chmod 777", "sudo ", "nc -e")

entries = json.load(sys.stdin)
flagged = [e for e in entries if any(d in e["cmd"] for d in DANGEROUS)]
print(json.dumps({"flagged": flagged, "total": len(entries)}))
