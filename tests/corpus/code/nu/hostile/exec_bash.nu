def main [] {
  exec bash
}
