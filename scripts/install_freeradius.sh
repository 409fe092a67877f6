#!/usr/bin/env bash
# Installs FreeRADIUS 3 with rlm_rest and radclient for the Wi-Fi tests and benchmark.
# Idempotent: does nothing when the binaries and the rest module are already present.
set -euo pipefail
have() { command -v "$1" >/dev/null 2>&1; }
rest_module_present() {
  ls /usr/lib/freeradius/rlm_rest.so /usr/lib/*/freeradius/rlm_rest.so >/dev/null 2>&1
}
if { have freeradius || [ -x /usr/sbin/freeradius ]; } && have radclient && rest_module_present; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if have sudo; then SUDO="sudo -n"; else echo "install_freeradius: need root" >&2; exit 1; fi
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  freeradius freeradius-rest freeradius-utils >/dev/null
# The package starts a system daemon on 1812/1813; Kendali's tests run their own
# instance on other ports, so the system one is stopped where a service manager exists.
($SUDO systemctl disable --now freeradius >/dev/null 2>&1 || true)
($SUDO service freeradius stop >/dev/null 2>&1 || true)
echo "install_freeradius: installed"
