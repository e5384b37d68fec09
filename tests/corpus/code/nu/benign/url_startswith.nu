def main [] {
  let u = $in | from json | get url
  { secure: ($u | str starts-with "https://") } | to json -r
}
