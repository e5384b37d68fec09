def main [] {
  let m = $in | from json | get message
  { reversed: ($m | str reverse) } | to json -r
}
