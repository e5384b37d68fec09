def main [] {
  let t = $in | from json | get text
  { mentions_ssh: ($t | str contains ".ssh") } | to json -r
}
