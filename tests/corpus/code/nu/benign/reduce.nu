def main [] {
  $in | from json | get nums | reduce {|it, acc| $acc + $it } | { total: $in } | to json -r
}
