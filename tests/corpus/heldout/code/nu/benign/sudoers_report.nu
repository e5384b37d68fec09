# Lists which accounts have sudo rights according to the HR export.
def main [] {
  $in | from json | where sudo == true | select login team | sort-by login | to json
}
