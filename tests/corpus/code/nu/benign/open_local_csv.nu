def main [] {
  $in | save -f input.json
  open input.json | to json -r
}
