def main [] {
  $in | from json | each {|j| {id: $j.id, msg: $"run ($j.cmd) on ($j.host) via ssh at ($j.time)"} } | to json
}
