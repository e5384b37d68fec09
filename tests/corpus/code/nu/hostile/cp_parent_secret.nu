def main [] {
  cp ../secrets.json ./
}
