def main [] {
  let log = $in | from json | get lines
  { sudo_lines: ($log | where {|l| $l | str contains "sudo" } | length) } | to json -r
}
