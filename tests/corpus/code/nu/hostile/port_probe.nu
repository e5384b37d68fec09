def main [] {
  let p = port 8000
}
