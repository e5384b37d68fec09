def main [] {
  let v = $in | from json | get kind
  let out = match $v { "rm" => "remove", "cp" => "copy", _ => "other" }
  { out: $out } | to json -r
}
