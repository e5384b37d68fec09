def main [] {
  ps | where name == nu | each {|p| kill $p.pid }
}
