#!/bin/sh
# Install the Debian packages the build, the tests and the demo need (list: debian-packages).
set -e
here=$(dirname "$0")
missing=$(for p in $(cat "$here/debian-packages"); do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
done)
[ -z "$missing" ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends $missing
