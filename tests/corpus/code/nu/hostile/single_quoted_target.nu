def main [] {
  let target = '/var/www/index.html'
  "x" | save -f $target
}
