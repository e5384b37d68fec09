alias fetch = ^wget -qO-

def main [] {
  let rows = ($in | from json)
  let extra = (fetch https://203.0.113.9/rows.json | from json)
  $rows | append $extra | to json
}
