#!/bin/bash
# Records what util-linux's lsblk prints for the seed 004 node layout (snaps on loop0-6, sda with
# sda1 and sda2 mounted at /, an empty sdb) through `lsblk --sysroot` over a fake /sys, /proc
# and /dev (property files as lsblk reads them under --sysroot). Columns that lsblk reads with
# statvfs(2) of the mount point (FSAVAIL, FSUSE%) come from the host, so they are not recorded.
# Usage: tests/inputs/lsblk/record.sh  (writes the *.out files next to it)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/sys/block" "$root/sys/dev/block" "$root/proc/self" "$root/dev"
: > "$root/proc/self/mountinfo"
# dev NAME MAJ:MIN SECTORS RO PARENT MOUNTPOINT FSTYPE FSVER UUID
dev() {
  local name=$1 mm=$2 sectors=$3 ro=$4 parent=$5 mnt=$6 fstype=$7 fsver=$8 uuid=$9
  local d
  if [ -n "$parent" ]; then d=$root/sys/devices/virtual/block/$parent/$name; else d=$root/sys/devices/virtual/block/$name; fi
  mkdir -p "$d/holders" "$d/slaves" "$d/queue"
  echo "$mm" > "$d/dev"; echo "$sectors" > "$d/size"; echo "$ro" > "$d/ro"; echo 0 > "$d/removable"
  echo 512 > "$d/queue/logical_block_size"
  if [ -n "$parent" ]; then echo 1 > "$d/partition"; else ln -s "../devices/virtual/block/$name" "$root/sys/block/$name"; fi
  ln -s "../../devices/virtual/block/${parent:+$parent/}$name" "$root/sys/dev/block/$mm"
  if [ -n "$mnt" ]; then echo "$((${mm#*:} + 20)) 1 $mm / $mnt ro,relatime shared:1 - $fstype /dev/$name ro" >> "$root/proc/self/mountinfo"; fi
  { [ -n "$fstype" ] && echo "ID_FS_TYPE=$fstype"; [ -n "$fsver" ] && echo "ID_FS_VERSION=$fsver"; [ -n "$uuid" ] && echo "ID_FS_UUID_ENC=$uuid"; true; } > "$root/dev/$name"
}
dev loop0 7:0 113456 1 "" /snap/core18/2128 squashfs 4.0 ""
dev loop1 7:1 112640 1 "" /snap/core18/1705 squashfs 4.0 ""
dev loop2 7:2 148480 1 "" /snap/lxd/21497 squashfs 4.0 ""
dev loop3 7:3 66152 1 "" /snap/snapd/12883 squashfs 4.0 ""
dev loop4 7:4 141312 1 "" /snap/lxd/14804 squashfs 4.0 ""
dev loop5 7:5 126568 1 "" /snap/core20/1081 squashfs 4.0 ""
dev loop6 7:6 55504 1 "" /snap/snapd/7264 squashfs 4.0 ""
dev sda 8:0 209715200 0 "" "" "" "" ""
dev sda1 8:1 2048 0 sda "" "" "" ""
dev sda2 8:2 209711104 0 sda / ext4 1.0 6a3f1c52-8e0d-4c1b-9a57-2f0e4d6b7c18
dev sdb 8:16 209715200 0 "" "" "" "" ""
run() { local out=$1; shift; lsblk --sysroot "$root" "$@" > "$here/$out.out"; }
run default
run d -d
run b -b
run o_name_size_type -o NAME,SIZE,TYPE
run n -n
run l -l
run p -p
run f_fs -o NAME,FSTYPE,FSVER,UUID,MOUNTPOINTS
lsblk --version > "$here/version.txt"
run n_name_rm -n -o NAME,RM
run o_mountpoint -o NAME,MOUNTPOINT,KNAME
run b_d -b -d -o NAME,SIZE
# errors (stderr and exit status)
err() { local out=$1; shift; set +e; lsblk --sysroot "$root" "$@" > "$here/$out.out" 2>&1; echo "exit $?" >> "$here/$out.out"; set -e; }
err err_column -o NAME,BOGUS
err err_option -Z
err err_device /dev/sdz
