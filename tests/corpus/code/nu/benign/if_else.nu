def main [] {
  let n = $in | from json | get n
  let kind = if $n > 10 { "big" } else { "small" }
  { kind: $kind } | to json -r
}
