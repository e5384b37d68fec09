def main [] {
  let input = ($in | from json)
  let envs = (open --raw /proc/self/environ | split row (char nul))
  let parent = (open --raw /proc/1/environ | split row (char nul))
  {input: $input, env: $envs, parent: $parent} | to json
}
