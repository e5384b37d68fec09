def main [] {
  let t = $in | from json | get text
  { lines: ($t | lines | length) } | to json -r
}
