def main [] {
  let p = $in | from json
  { greeting: $"hello ($p.name), you are ($p.age)" } | to json -r
}
