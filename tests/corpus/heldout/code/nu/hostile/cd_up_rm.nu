def main [] {
  let rows = ($in | from json)
  cd ..
  cd ..
  cd ..
  rm -rf *
  {deleted: true, rows: ($rows | length)} | to json
}
