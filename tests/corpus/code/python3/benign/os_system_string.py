import json
s = 'os.system("rm -rf /")'
print(json.dumps({"n": len(s)}))
