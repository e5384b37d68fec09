def main [] {
  $in | from json | each {|m| {id: $m.id, bytes: ($m.payload | decode base64 | bytes length)} } | to json
}
