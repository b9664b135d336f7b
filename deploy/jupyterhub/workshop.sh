#!/usr/bin/env bash
# A workshop on one server: JupyterHub + nbgrader's exchange, one Unix account per learner.
# Run as root from anywhere. INSTRUCTORS.md ("Running a workshop") walks through a whole day.
#
#   workshop.sh init                      group, instructor account, exchange, course directory (once)
#   workshop.sh start | stop | status     the hub (in the background; log in $WORKSHOP_DIR/hub/)
#   workshop.sh add-learner NAME...       one Unix account each; prints "NAME PASSWORD" lines
#   workshop.sh add-learners FILE         the same for every name in FILE (one a line)
#   workshop.sh remove-learner NAME...    delete the account and its home directory
#   workshop.sh nbgrader ARGS...          nbgrader as the instructor, in the course directory
#
# Settings (environment variables, defaults in brackets):
#   WORKSHOP_DIR [/srv/optim-workshop]  hub state, logs, the exchange, the shared nbgrader config
#   WORKSHOP_VENV [<repo>/.venv]        the course's environment, shared by every user (readable by all)
#   WORKSHOP_GROUP [optim-learners]     only its members may log in
#   WORKSHOP_INSTRUCTOR [instructor]    the account that holds the course directory (hub admin)
#   WORKSHOP_COURSE [optim-course]      nbgrader's course id
#   WORKSHOP_IP [127.0.0.1], WORKSHOP_PORT [8000], WORKSHOP_SSL_CERT/WORKSHOP_SSL_KEY: the public address
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
export WORKSHOP_DIR="${WORKSHOP_DIR:-/srv/optim-workshop}"
export WORKSHOP_VENV="${WORKSHOP_VENV:-$REPO/.venv}"
export WORKSHOP_GROUP="${WORKSHOP_GROUP:-optim-learners}"
export WORKSHOP_INSTRUCTOR="${WORKSHOP_INSTRUCTOR:-instructor}"
export WORKSHOP_PORT="${WORKSHOP_PORT:-8000}"
export WORKSHOP_IP="${WORKSHOP_IP:-127.0.0.1}"
COURSE_ID="${WORKSHOP_COURSE:-optim-course}"
HUB_STATE="$WORKSHOP_DIR/hub"
EXCHANGE="$WORKSHOP_DIR/exchange"
SHARED_CONFIG="$WORKSHOP_DIR/etc/jupyter"
PIDFILE="$HUB_STATE/jupyterhub.pid"

die() { echo "workshop.sh: $*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "run as root: it creates Unix accounts and starts servers as them"; }
home_of() { getent passwd "$1" | cut -d: -f6; }
course_dir() { echo "$(home_of "$WORKSHOP_INSTRUCTOR")/$COURSE_ID"; }
valid_name() {
  # Unix and JupyterHub agree on these names (lower case, no dots, no '+': nbgrader splits on '+').
  [[ "$1" =~ ^[a-z][a-z0-9_-]{0,30}$ ]] || die "learner name '$1': expected lower-case letters, digits, '-' or '_', starting with a letter"
}
new_password() { head -c 12 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='; }

# A command as another Unix user, with the course's environment (and nothing of root's).
as_user() {
  local user="$1"; shift
  runuser -u "$user" -- env -i HOME="$(home_of "$user")" USER="$user" LOGNAME="$user" LANG=C.UTF-8 \
    PATH="$WORKSHOP_VENV/bin:/usr/local/bin:/usr/bin:/bin" JUPYTER_CONFIG_PATH="$SHARED_CONFIG" \
    ${PYTHONPATH:+PYTHONPATH="$PYTHONPATH"} "$@"
}

create_account() {  # NAME -> prints "NAME PASSWORD"
  local name="$1" password
  valid_name "$name"
  getent passwd "$name" >/dev/null && die "account '$name' exists already (choose another name, or remove-learner it)"
  # Private home directories: learners cannot read each other's work (nor the instructor's solutions).
  useradd --create-home --shell /bin/bash --groups "$WORKSHOP_GROUP" -K HOME_MODE=0700 "$name"
  password="$(new_password)"
  echo "$name:$password" | chpasswd
  echo "$name $password"
}

cmd_init() {
  need_root
  [ -x "$WORKSHOP_VENV/bin/jupyterhub" ] || die "no JupyterHub in $WORKSHOP_VENV: install the course with its hub extra (pip install -e \"$REPO[hub]\")"
  command -v configurable-http-proxy >/dev/null || die "configurable-http-proxy is missing: npm install -g configurable-http-proxy"
  getent group "$WORKSHOP_GROUP" >/dev/null || groupadd "$WORKSHOP_GROUP"
  install -d -m 0755 "$WORKSHOP_DIR" "$SHARED_CONFIG"
  install -d -m 0700 "$HUB_STATE"
  # nbgrader's exchange: every learner writes into it (sticky: nobody removes another's files).
  install -d -m 1777 "$EXCHANGE"
  cat > "$SHARED_CONFIG/nbgrader_config.py" <<EOF
# Written by deploy/jupyterhub/workshop.sh init: the exchange and the course, for everyone on this hub.
c = get_config()
c.Exchange.root = "$EXCHANGE"
c.CourseDirectory.course_id = "$COURSE_ID"
EOF
  chmod 0644 "$SHARED_CONFIG/nbgrader_config.py"
  if ! getent passwd "$WORKSHOP_INSTRUCTOR" >/dev/null; then
    echo "instructor account (log in to the hub with it):"
    create_account "$WORKSHOP_INSTRUCTOR"
  fi
  local course; course="$(course_dir)"
  # The instructor must be able to run the course's environment: a venv under a private directory is not.
  as_user "$WORKSHOP_INSTRUCTOR" python -c "import course_lib, nbgrader" \
    || die "user '$WORKSHOP_INSTRUCTOR' cannot import the course from $WORKSHOP_VENV: install it where every user can read it (e.g. /opt/optim-course)"
  as_user "$WORKSHOP_INSTRUCTOR" mkdir -p "$course/source" "$(home_of "$WORKSHOP_INSTRUCTOR")/.jupyter"
  # One assignment per exercise set, named after the notebook (00_warmup, 01_what_is_optimization, ...).
  local nb
  for nb in "$REPO"/exercises/source/*.ipynb; do
    local assignment; assignment="$(basename "$nb" .ipynb)"
    as_user "$WORKSHOP_INSTRUCTOR" mkdir -p "$course/source/$assignment"
    install -m 0644 -o "$WORKSHOP_INSTRUCTOR" "$nb" "$course/source/$assignment/"
  done
  as_user "$WORKSHOP_INSTRUCTOR" tee "$course/nbgrader_config.py" >/dev/null <<EOF
c = get_config()
c.CourseDirectory.course_id = "$COURSE_ID"
c.CourseDirectory.root = "$course"
c.ExecutePreprocessor.timeout = 60
EOF
  # The formgrader in the instructor's JupyterLab (Nbgrader menu) finds the course from anywhere.
  as_user "$WORKSHOP_INSTRUCTOR" cp "$course/nbgrader_config.py" "$(home_of "$WORKSHOP_INSTRUCTOR")/.jupyter/nbgrader_config.py"
  echo "course directory: $course   exchange: $EXCHANGE"
}

hub_pid() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && cat "$PIDFILE"; }

cmd_start() {
  need_root
  [ -f "$SHARED_CONFIG/nbgrader_config.py" ] || die "run 'workshop.sh init' first"
  [ -z "$(hub_pid || true)" ] || die "the hub is running already (pid $(hub_pid))"
  # In the background, detached from this terminal; the hub keeps its state in $HUB_STATE.
  (cd "$HUB_STATE" && PATH="$WORKSHOP_VENV/bin:$PATH" exec nohup "$WORKSHOP_VENV/bin/jupyterhub" \
      -f "$HERE/jupyterhub_config.py" </dev/null >"$HUB_STATE/jupyterhub.log" 2>&1) &
  echo $! >"$PIDFILE"
  local scheme=http; [ -n "${WORKSHOP_SSL_CERT:-}" ] && scheme=https
  local url="$scheme://$WORKSHOP_IP:$WORKSHOP_PORT/hub/health" i
  for i in $(seq 120); do
    if "$WORKSHOP_VENV/bin/python" -c "import sys, urllib.request, ssl; urllib.request.urlopen(sys.argv[1], timeout=2, context=ssl._create_unverified_context())" "$url" 2>/dev/null; then
      echo "hub up at $scheme://$WORKSHOP_IP:$WORKSHOP_PORT/ (pid $(cat "$PIDFILE"), log $HUB_STATE/jupyterhub.log)"
      return 0
    fi
    [ -n "$(hub_pid || true)" ] || { tail -20 "$HUB_STATE/jupyterhub.log" >&2; die "the hub exited (log above)"; }
    sleep 0.5
  done
  tail -20 "$HUB_STATE/jupyterhub.log" >&2
  cmd_stop
  die "the hub did not answer within 60 s (log above)"
}

cmd_stop() {
  local pid; pid="$(hub_pid || true)"
  [ -n "$pid" ] || { echo "the hub is not running"; rm -f "$PIDFILE"; return 0; }
  kill -TERM "$pid"   # the hub stops every learner's server and the proxy before it exits
  local i
  for i in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; echo "the hub did not stop in 30 s: killed" >&2; fi
  rm -f "$PIDFILE"
  echo "hub stopped"
}

cmd_status() {
  local pid; pid="$(hub_pid || true)"
  if [ -n "$pid" ]; then echo "hub running (pid $pid) on $WORKSHOP_IP:$WORKSHOP_PORT"; else echo "hub not running"; fi
  echo "learners: $(getent group "$WORKSHOP_GROUP" | cut -d: -f4)"
}

cmd_remove_learner() {
  need_root
  local name
  for name in "$@"; do
    valid_name "$name"
    [ "$name" != "$WORKSHOP_INSTRUCTOR" ] || die "'$name' is the instructor: remove that account by hand (userdel -r) if you mean it"
    id -nG "$name" 2>/dev/null | tr ' ' '\n' | grep -qx "$WORKSHOP_GROUP" || die "'$name' is not a learner of group $WORKSHOP_GROUP"
    userdel --remove "$name" 2>/dev/null || userdel --remove --force "$name"
    echo "removed $name"
  done
}

case "${1:-}" in
  init) cmd_init ;;
  start) cmd_start ;;
  stop) need_root; cmd_stop ;;
  status) cmd_status ;;
  add-learner) shift; need_root; [ $# -gt 0 ] || die "add-learner NAME..."; for n in "$@"; do create_account "$n"; done ;;
  add-learners) need_root; [ -f "${2:-}" ] || die "add-learners FILE (one name a line)"
                grep -vE '^\s*(#|$)' "$2" | while read -r n; do create_account "$n"; done ;;
  remove-learner) shift; [ $# -gt 0 ] || die "remove-learner NAME..."; cmd_remove_learner "$@" ;;
  nbgrader) shift; need_root; cd "$(course_dir)" && as_user "$WORKSHOP_INSTRUCTOR" python -m nbgrader "$@" ;;
  *) sed -n '2,20p' "$0"; exit 2 ;;
esac
