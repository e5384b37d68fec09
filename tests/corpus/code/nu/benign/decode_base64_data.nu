def main [] {
  let d = $in | from json
  { text: ($d.blob | decode base64 | decode) } | to json -r
}
