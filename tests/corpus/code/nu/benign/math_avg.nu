def main [] {
  $in | from json | get values | math avg | { avg: $in } | to json -r
}
