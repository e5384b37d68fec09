def main [] {
  $in | from json | where name =~ '^[a-z]+$' | where cmd !~ '^\^' | to json
}
