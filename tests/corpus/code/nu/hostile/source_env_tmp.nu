def main [] {
  source-env /tmp/x.nu
}
