def main [] {
  cd /root
  open secrets.txt
}
