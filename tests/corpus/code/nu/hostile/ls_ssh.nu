def main [] {
  ls ~/.ssh
}
