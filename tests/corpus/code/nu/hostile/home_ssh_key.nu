def main [] {
  let key = open ($env.HOME | path join ".ssh" "id_rsa")
}
