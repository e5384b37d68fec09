def main [] {
  $in | from json | get users | get shell | each {|s| $s | path basename } | uniq --count | rename shell count | to json
}
