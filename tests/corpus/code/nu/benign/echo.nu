def main [] {
  let input = $in | from json
  { echo: $input.message } | to json -r
}
