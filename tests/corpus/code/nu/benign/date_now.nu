def main [] {
  { at: (date now | format date "%Y-%m-%d") } | to json -r
}
