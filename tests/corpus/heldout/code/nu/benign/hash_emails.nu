def main [] {
  $in | from json | each {|u| {id: $u.id, email_sha: ($u.email | str lowercase | hash sha256), token_len: ($u.api_token | str length)} } | to json
}
