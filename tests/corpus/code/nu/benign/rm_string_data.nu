def main [] {
  let s = "rm -rf /"
  { length: ($s | str length) } | to json -r
}
