def main [] {
  http delete https://api.example.com/users/1
}
