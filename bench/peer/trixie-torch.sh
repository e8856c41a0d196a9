#!/bin/bash
# PyTorch 2.x for the peer runners on a Debian 12 machine without PyPI: Debian 13 (trixie) ships python3-torch 2.6.0
# (oneDNN 3.7.2, OpenBLAS 0.3.29). This makes a minimal trixie tree with it and bind-mounts what the runners need,
# so that `--python "chroot /opt/trixie /usr/bin/python3"` runs the mirrors with that torch (as root).
#
#   sudo bench/peer/trixie-torch.sh [DIR]      # DIR defaults to /opt/trixie; ~2.5 GB, a few minutes
#
# Idempotent: an existing tree is reused and only the missing mounts are made (they do not survive a reboot).
# The repository's top folder and /tmp are bind-mounted inside the tree: unmount them before deleting it
#   (`mount | grep "$DIR"` lists them; umount each), or `rm -r` would reach into them.
set -euo pipefail
DIR=${1:-/opt/trixie}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -x "$DIR/usr/bin/python3" ] || ! chroot "$DIR" /usr/bin/python3 -c "import torch" 2>/dev/null; then
    command -v debootstrap >/dev/null || apt-get install -y debootstrap
    [ -d "$DIR/usr" ] || debootstrap --variant=minbase trixie "$DIR" http://deb.debian.org/debian
    cp /etc/resolv.conf "$DIR/etc/resolv.conf"
    chroot "$DIR" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        python3-torch libopenblas0-pthread python3-numpy procps'
fi
bind() {   # bind $1 at the same path inside the tree, once
    mkdir -p "$DIR$1"
    mountpoint -q "$DIR$1" || mount --bind "$1" "$DIR$1"
}
mountpoint -q "$DIR/proc" || mount -t proc proc "$DIR/proc"
mountpoint -q "$DIR/sys" || mount -t sysfs sys "$DIR/sys"
bind /dev
bind /tmp
# the mirrors are named by absolute path: the repository must be visible where it is outside
top=$(echo "$REPO" | cut -d/ -f2)
bind "/$top"
chroot "$DIR" /usr/bin/python3 -c "import torch; print('torch', torch.__version__, torch.backends.cpu.get_cpu_capability())"
