def main [] {
  $in | get files | each {|f| ^shred -u $f }
}
