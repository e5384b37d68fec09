def main [] {
  let reqs = ($in | from json)
  $reqs | where protocol == "http" | group-by method | transpose method rows | each {|g| {method: $g.method, count: ($g.rows | length)} } | to json
}
