def main [] {
  $in | from json | upsert checked true | to json -r
}
