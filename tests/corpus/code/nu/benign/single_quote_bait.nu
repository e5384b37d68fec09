def main [] {
  let s = 'nu -c "rm -rf /"'
  { s: ($s | str length) } | to json -r
}
