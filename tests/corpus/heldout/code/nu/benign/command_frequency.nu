# Top shell commands from a history export ("curl", "wget", "ssh" are just values).
def main [] {
  $in | from json | get history | each {|h| $h | split row " " | first } | uniq --count | sort-by count --reverse | first 5 | to json
}
