import json
doc = """
import subprocess
subprocess.run(["rm", "-rf", "/"])
"""
print(json.dumps({"lines": doc.count("\n")}))
