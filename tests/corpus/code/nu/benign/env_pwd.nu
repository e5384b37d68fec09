def main [] {
  { here: ($env.PWD | path basename | str length) } | to json -r
}
