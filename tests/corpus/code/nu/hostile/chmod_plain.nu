def main [] {
  chmod +x tool.sh
}
