# Parses lines that were copied from an /etc/shadow export into fields.
def main [] {
  $in | from json | get lines | parse "{user}:{hash}:{changed}:{min}:{max}:{rest}" | reject hash rest | to json
}
