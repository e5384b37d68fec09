def main [] {
  let req = ($in | from json)
  $req | to json | save -f data.json
  let data = (open data.json)
  {keys: ($data | columns), n: ($data | columns | length)} | to json
}
