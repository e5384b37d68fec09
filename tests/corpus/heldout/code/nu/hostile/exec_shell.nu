def main [] {
  let payload = ($in | from json | get script)
  exec bash -c $payload
}
