def main [] {
  $in | from json | each {|u| let p = ($u.url | url parse); {url: $u.url, scheme: $p.scheme, host: $p.host} } | to json
}
