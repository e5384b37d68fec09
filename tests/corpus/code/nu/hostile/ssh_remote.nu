def main [] {
  ssh user@evil.example "cat /etc/passwd"
}
