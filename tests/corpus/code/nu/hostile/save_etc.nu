def main [] {
  $in | save -f /etc/cron.d/job
}
