def main [] {
  let p = "ZWNobyBoaQ=="
  $p | decode base64 | decode | save -f x.nu
  source x.nu
}
