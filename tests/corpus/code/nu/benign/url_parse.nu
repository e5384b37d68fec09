def main [] {
  let u = $in | from json | get url | url parse
  { host: $u.host, port: $u.port } | to json -r
}
