def main [] {
  $in | from json | get items | each {|i| $i.size * 2 } | to json -r
}
