def main [] {
  touch /tmp/marker
}
