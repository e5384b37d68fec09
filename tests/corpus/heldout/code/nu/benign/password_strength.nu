def main [] {
  $in | from json | each {|u|
    let p = $u.password
    {user: $u.user, long: (($p | str length) >= 12), digits: ($p =~ '[0-9]'), weak: ($p in ["password" "123456" "letmein"])}
  } | to json
}
