# Normalises shell history lines: strip a leading "sudo " so commands group together.
def main [] {
  $in | from json | get lines | each {|l| $l | str replace --regex '^sudo\s+' '' } | uniq --count | to json
}
