def main [] {
  let code = "ls /etc"
  nu -c $code
}
