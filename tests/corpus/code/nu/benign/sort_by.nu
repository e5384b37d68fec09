def main [] {
  $in | from json | sort-by age | to json -r
}
