# Sourced by ensure-system.sh and fetch-sources.sh: apt-get that takes its turn.
# Another apt or dpkg (unattended-upgrades on a new cloud VM, a second checkout's tests) may
# hold the dpkg or lists lock; apt then fails at once unless told to wait. We wait up to
# SKLENS_APT_LOCK_TIMEOUT seconds (default 600) and say so when the lock is held.
apt_lock_timeout=${SKLENS_APT_LOCK_TIMEOUT:-600}

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Prints the pids holding apt's or dpkg's locks (empty when none, or when lslocks is missing).
apt_lock_holders() {
  command -v lslocks >/dev/null 2>&1 || return 0
  lslocks -n -o PID,PATH 2>/dev/null |
    awk '$2 ~ /^\/var\/lib\/(dpkg\/lock(-frontend)?|apt\/lists\/lock)$|^\/var\/cache\/apt\/archives\/lock$/ {print $1}' |
    sort -u | tr '\n' ' '
}

apt_get() {
  local holders
  holders=$(apt_lock_holders)
  if [ -n "$holders" ]; then
    echo "[apt] another apt/dpkg (pid ${holders% }) holds the package lock: waiting up to ${apt_lock_timeout} s for it" >&2
  fi
  sudo_ apt-get -o "DPkg::Lock::Timeout=${apt_lock_timeout}" "$@"
}
