def main [] {
  let d = $in | from json
  { b64: ($d.text | encode base64) } | to json -r
}
