def main [] {
  mkdir /opt/backdoor
}
