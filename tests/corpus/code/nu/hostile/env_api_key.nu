def main [] {
  { key: $env.OPENAI_API_KEY } | to json
}
