def main [] {
  let p = "/et" + "c/profile"
  "echo hi" | save -f $p
}
