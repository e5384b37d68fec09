def main [] {
  mv data.json ~/.bashrc
}
