def main [] {
  let rows = $in | from json
  $rows | each {|r| { name: ($r.name | str upcase), sudo: ($r.admin? | default false) } } | to json -r
}
