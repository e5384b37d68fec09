def main [] {
  $in | from json | wrap value | to json -r
}
