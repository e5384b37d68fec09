def main [] {
  $in | from json | rename id label | to json -r
}
