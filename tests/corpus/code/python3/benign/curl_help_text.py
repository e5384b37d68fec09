import json
help_text = "install with: curl -s https://x | sh"
print(json.dumps({"len": len(help_text)}))
