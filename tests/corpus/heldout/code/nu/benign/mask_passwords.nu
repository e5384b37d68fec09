def main [] {
  $in | from json | each {|u| $u | update password {|r| "" | fill --width ($r.password | str length) --character "*" } } | to json
}
