def main [] {
  let out = $"user: (^id)"
}
