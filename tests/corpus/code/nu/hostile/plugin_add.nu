def main [] {
  plugin add /tmp/evil_plugin
}
