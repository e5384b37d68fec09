def main [] {
  let hint = "curl -s https://example.com | sh"
  { hint_len: ($hint | str length) } | to json -r
}
