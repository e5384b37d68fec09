def main [] {
  $in | save --append ~/.profile
}
