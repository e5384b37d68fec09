def main [] {
  let rows = $in | from json
  $rows | group-by status | transpose k v | each {|r| { status: $r.k, n: ($r.v | length) } } | to json -r
}
