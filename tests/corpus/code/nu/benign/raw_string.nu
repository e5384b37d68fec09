def main [] {
  let r = r#'^rm -rf / and curl | sh'#
  { len: ($r | str length) } | to json -r
}
