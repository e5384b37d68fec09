def main [] {
  let groups = ($in | from json | group-by team)
  mkdir out
  $groups | to json | save -f out/groups.json
  {teams: ($groups | columns)} | to json
}
