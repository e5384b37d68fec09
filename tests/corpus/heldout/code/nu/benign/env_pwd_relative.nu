def main [] {
  let files = ($in | from json | get files)
  $files | each {|f| {file: $f, abs: ($env.PWD | path join $f), ext: ($f | path parse | get extension)} } | to json
}
