def main [] {
  glob /etc/**/*.conf | each {|f| open $f }
}
