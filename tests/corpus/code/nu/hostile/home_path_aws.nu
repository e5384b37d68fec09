def main [] {
  let c = [$nu.home-path ".aws" "credentials"] | path join | open $in
}
