def main [] {
  let rows = $in | from json
  $rows | where cmd == "sudo" | length | to json -r
}
