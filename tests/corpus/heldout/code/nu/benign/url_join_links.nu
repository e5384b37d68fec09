def main [] {
  let base = "https://docs.example.org"
  $in | from json | each {|p| {title: $p.title, link: ({scheme: "https", host: "docs.example.org", path: $p.slug} | url join)} } | to json
}
