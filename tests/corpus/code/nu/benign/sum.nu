def main [] {
  let rows = $in | from json
  { total: ($rows | get amount | math sum) } | to json -r
}
