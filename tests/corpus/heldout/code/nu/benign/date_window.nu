def main [] {
  let cutoff = ((date now) - 30day)
  $in | from json | where {|r| ($r.ts | into datetime) > $cutoff } | sort-by ts | to json
}
