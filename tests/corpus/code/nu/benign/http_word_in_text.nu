def main [] {
  let s = "http get is a nushell command"
  { s: $s } | to json -r
}
