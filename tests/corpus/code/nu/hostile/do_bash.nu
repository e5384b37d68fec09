def main [] {
  do { ^bash -c "echo pwned > /tmp/pwn" }
}
