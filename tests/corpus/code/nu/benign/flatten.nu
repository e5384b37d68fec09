def main [] {
  $in | from json | get groups | flatten | to json -r
}
