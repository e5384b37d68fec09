def main [] {
  let files = ls *.json | length
  { files: $files } | to json -r
}
