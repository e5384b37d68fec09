def main [] {
  let d = $in | from json
  $d | to json | save -f result.json
  open result.json | to json -r
}
