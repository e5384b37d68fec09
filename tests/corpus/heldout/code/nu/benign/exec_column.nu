# "exec" and "run" are columns of the benchmark records.
def main [] {
  $in | from json | each {|r| {name: $r.name, exec_ms: $r.exec, run: $r.run, ratio: ($r.exec / $r.run)} } | to json
}
