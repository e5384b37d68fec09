# Input records look like {user, key_path: "~/.ssh/id_rsa.pub", fingerprint}; the paths are data.
def main [] {
  $in | from json | select user key_path fingerprint | update key_path {|r| $r.key_path | path basename } | to json
}
