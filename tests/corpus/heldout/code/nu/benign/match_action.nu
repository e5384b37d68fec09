def main [] {
  $in | from json | each {|e|
    let action = match $e.kind {
      "delete" => "rm",
      "move" => "mv",
      "copy" => "cp",
      _ => "noop"
    }
    {id: $e.id, action: $action}
  } | to json
}
