def main [] {
  let x = 1 # ^sh -c "evil"
  { x: $x } | to json -r
}
