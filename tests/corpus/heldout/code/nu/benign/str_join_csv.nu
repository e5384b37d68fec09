def main [] {
  let rows = ($in | from json)
  let header = ($rows | first | columns | str join ",")
  let body = ($rows | each {|r| $r | values | each {|v| $v | into string } | str join "," })
  {csv: ([$header] | append $body | str join "\n")} | to json
}
