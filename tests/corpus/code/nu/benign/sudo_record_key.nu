def main [] {
  { sudo: false, curl: 0, http: "off", port: 8080 } | to json -r
}
