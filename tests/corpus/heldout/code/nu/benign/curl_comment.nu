# The data was fetched earlier with `curl -s https://api.example/orders`; we only
# reshape it here. Do not call http get from this tool.
def main [] {
  $in | from json | select id status total | sort-by total --reverse | to json
}
