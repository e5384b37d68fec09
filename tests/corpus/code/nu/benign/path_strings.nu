def main [] {
  let paths = ["/etc/hosts" "../x" "~/.ssh/config"]
  { n: ($paths | length) } | to json -r
}
