#!/usr/bin/env bash
# Side by side on this machine: postrun building N synthetic clients, and Hugo building a site
# with the same number of Markdown pages of similar size. Prints both times and the ratio, with
# the date, the machine and its load. The two take turns, each starting from an empty output
# folder (its last output removed before the clock starts) with the disk synced, and the best
# of 3 runs counts for each.
#
#   bash bench/compare_hugo.sh 1000        (needs Hugo: apt-get install hugo)
set -euo pipefail
n=${1:-1000}
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
command -v hugo >/dev/null || { echo "Hugo is not installed (apt-get install hugo)" >&2; exit 1; }
work=$(mktemp -d /tmp/postrun-vs-hugo-XXXXXX)
trap 'rm -rf "$work"' EXIT

export POSTRUN_CACHE_DIR="$work/cache"   # its own cache, not the user's
started="$(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# postrun: N synthetic clients, byte-compiled as when installed.
"$python" -m compileall -q "$here/../generator" >/dev/null
"$python" -c "
import sys; sys.path.insert(0, '$here')
from pathlib import Path
from bench import make_workspace
make_workspace($n, Path('$work'))
"
# One build first, untimed, to count the pages Hugo must match (it also fills postrun's
# content cache, as any coach's earlier build has).
"$python" -m generator -C "$work/practice" build -q
pages=$(find "$work/practice/site" -name '*.html' | wc -l)
bytes=$(find "$work/practice/content/exercises" -name '*.md' -printf '%s\n' | awk '{s+=$1} END {print int(s/NR)}')

# Hugo: the same number of pages, each a Markdown file about the size of an exercise file.
site="$work/hugo"
mkdir -p "$site/content/posts" "$site/layouts/_default"
cat > "$site/hugo.toml" <<'TOML'
baseURL = "https://example.org/"
title = "Bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
TOML
cat > "$site/layouts/_default/baseof.html" <<'HTML'
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><header><nav><a href="/">Home</a></nav></header><main>{{ block "main" . }}{{ end }}</main>
<footer>{{ .Site.Title }}</footer></body></html>
HTML
cat > "$site/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}
HTML
cat > "$site/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ len .Pages }} pages</p>{{ end }}
HTML
"$python" - "$site/content/posts" "$pages" "$bytes" <<'PY'
import sys
from pathlib import Path
folder, count, size = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
para = ("Lie on your back with your knees bent and feet flat. Breathe out as you gently "
        "draw your pelvic floor up and in, then let it go fully. ")
body = "\n".join(f"{i}. {para}" for i in range(1, 1 + max(1, size // len(para))))
for i in range(count):
    (folder / f"page-{i:06d}.md").write_text(
        f"---\ntitle: Page {i}\n---\n## How to do it\n\n{body}\n\n- one point\n- another\n")
PY
# Turn about (postrun, Hugo, postrun, ...), each from an empty output folder and with the disk
# synced first (outside the clock): neither tool pays for the other's writes still being
# flushed, nor for its own last output being removed.
timed() {
  sync
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
best_postrun=999999
best_hugo=999999
for _ in 1 2 3; do
  rm -rf "$work/practice/site"
  t=$(timed "$python" -m generator -C "$work/practice" build --clean -q)
  best_postrun=$(echo "if ($t < $best_postrun) $t else $best_postrun" | bc)
  rm -rf "$site/public" "$site/resources"
  # The same hint postrun gives its staging folder (spread new folders over the disk, see
  # write.py), so neither tool writes where its last output was just removed.
  mkdir "$site/public" && { chattr +T "$site/public" 2>/dev/null || true; }
  t=$(timed hugo --quiet --source "$site")
  best_hugo=$(echo "if ($t < $best_hugo) $t else $best_hugo" | bc)
done
hugo_pages=$(find "$site/public" -name '*.html' | wc -l)

printf 'started %s; ended %s, load average %s\n' "$started" "$(date -u '+%H:%M UTC')" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'machine: %s, %s cores, %s, %s\n' "$(uname -m)" "$(nproc)" "$("$python" --version)" \
  "$(hugo version | cut -d' ' -f1-2)"
printf 'pages: postrun %s, hugo %s\n' "$pages" "$hugo_pages"
printf 'postrun: %.2f s   hugo: %.2f s   ratio postrun/hugo: %.2f\n' \
  "$best_postrun" "$best_hugo" "$(echo "$best_postrun / $best_hugo" | bc -l)"
