#!/usr/bin/env bash
# relaytop's speed and memory against grep, measured side by side in one
# run on this machine (issue 6). Usage:
#
#   testdata/bench.sh [LINES...]        default: 1000000 5000000
#
# For each size it writes a simulated Postfix log with `relaytop demo
# --write`, warms the page cache, then times, best of three each,
#   LC_ALL=C grep -c status= LOG > FILE     (to a file: grep stops at the
#                                            first match when writing to /dev/null)
#   relaytop report --json LOG > /dev/null
# and prints lines/s, the ratio of the two best times and relaytop's peak RSS (the highest of its three runs)
# (/usr/bin/time). Last, a hostile log of 1,000,000 lines with 1,000,000
# distinct recipient domains and 1,000,000 distinct reply texts checks that
# memory stays bounded. Needs Go, GNU time (/usr/bin/time) and awk.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d "${TMPDIR:-/tmp}/relaytop-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/relaytop" ./cmd/relaytop
rt="$tmp/relaytop"

# best CMD...: the fastest of three runs and the highest peak RSS of the
# three, as "seconds maxrss_kb". Wall time is taken with nanosecond clock
# readings around the run, not /usr/bin/time's 10 ms steps: grep reads 1M
# lines in well under 0.1 s.
best() {
  local bestt="" maxm=0 t0 t1 t m
  for _ in 1 2 3; do
    t0=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$tmp/t" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    t1=$(date +%s%N)
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')
    read -r m <"$tmp/t"
    if [ -z "$bestt" ] || awk -v a="$t" -v b="$bestt" 'BEGIN{exit !(a<b)}'; then bestt=$t; fi
    if [ "$m" -gt "$maxm" ]; then maxm=$m; fi
  done
  echo "$bestt $maxm"
}

printf '%-12s %10s %10s %14s %14s %7s %10s\n' lines grep_s relaytop_s grep_lines/s relaytop_l/s ratio peak_RSS
for n in ${@:-1000000 5000000}; do
  log="$tmp/mail-$n.log"
  "$rt" demo --write "$log" --lines "$n" >/dev/null
  cat "$log" >/dev/null
  read -r gt _ < <(best sh -c "LC_ALL=C grep -c status= '$log' > '$tmp/grep.out'")
  read -r rtime rss < <(best "$rt" report --json "$log")
  awk -v n="$n" -v g="$gt" -v r="$rtime" -v m="$rss" 'BEGIN{
    printf "%-12d %10.3f %10.3f %14.0f %14.0f %6.1fx %7.1f MiB\n", n, g, r, n/(g>0?g:0.001), n/(r>0?r:0.001), r/(g>0?g:0.001), m/1024}'
  rm -f "$log"
done

# A hostile log: every line a deferral to a new domain with a new text.
hostile="$tmp/hostile.log"
awk 'BEGIN{
  srand(1); split("abcdefghijklmnopqrstuvwxyz", a, "")
  for (i = 0; i < 1000000; i++) {
    w = ""; x = i
    for (k = 0; k < 6; k++) { w = w a[x % 26 + 1]; x = int(x / 26) }
    printf "Nov 27 10:%02d:%02d mx postfix/smtp[1]: Q%09d: to=<u@%s.example>, relay=mx.%s.example[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=4.0.0, status=deferred (host mx.%s.example[192.0.2.1] said: 450 try later because %s is busy (in reply to RCPT TO command))\n", (i/60)%60, i%60, i, w, w, w, w
  }}' >"$hostile"
read -r ht hrss < <(best "$rt" report --json "$hostile")
printf 'hostile: 1000000 lines, 1000000 distinct domains and reply texts: %.2f s, peak RSS %.1f MiB\n' "$ht" "$(awk -v m="$hrss" 'BEGIN{print m/1024}')"
