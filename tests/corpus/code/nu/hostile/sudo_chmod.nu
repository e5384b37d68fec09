def main [] {
  sudo chmod 777 /etc/passwd
}
