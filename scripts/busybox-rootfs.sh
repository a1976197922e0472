#!/usr/bin/env bash
# Writes a busybox root filesystem as a tar stream on stdout, made offline from
# the host's static busybox (Debian's busybox-static): /bin/busybox, a symlink
# per applet, and a minimal /etc (passwd, group) like the official image's.
# Usage: scripts/busybox-rootfs.sh > busybox.tar
set -euo pipefail
BUSYBOX=${BUSYBOX:-$(command -v busybox)}
if ! "$BUSYBOX" --list >/dev/null 2>&1; then
  echo "busybox-rootfs: $BUSYBOX does not run" >&2; exit 1
fi
dir=$(mktemp -d /tmp/berth-busybox-rootfs.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
mkdir -p "$dir"/{bin,etc,root,tmp,var/www,home,usr/bin,usr/sbin,sbin,dev,proc,sys}
chmod 1777 "$dir/tmp"
chmod 700 "$dir/root"
cp "$BUSYBOX" "$dir/bin/busybox"
for applet in $("$BUSYBOX" --list); do
  [[ "$applet" == busybox ]] && continue
  ln -sf busybox "$dir/bin/$applet"
done
cat > "$dir/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
P
cat > "$dir/etc/group" <<'G'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
tty:x:5:
www-data:x:33:
operator:x:37:
users:x:100:
nogroup:x:65534:
G
# fixed mtimes and owners so the same host busybox always gives the same layer digest
find "$dir" -exec touch -h -d @0 {} +
tar --numeric-owner --owner=0 --group=0 --sort=name -C "$dir" -cf - .
