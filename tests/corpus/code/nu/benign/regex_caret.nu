def main [] {
  let t = $in | from json
  { m: ($t.text | str replace -r '^\s+' '') } | to json -r
}
