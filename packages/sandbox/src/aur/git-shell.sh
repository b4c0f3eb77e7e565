#!/bin/sh
# The AUR's git interface in miniature (the forced command of the sandbox's only SSH key):
# one repository per package base, created empty on first access, served by git itself.
set -eu
repos=$1
hooks=$2
case "${SSH_ORIGINAL_COMMAND:-}" in
  "git-upload-pack "*) service=upload-pack ;;
  "git-receive-pack "*) service=receive-pack ;;
  *) echo "Interactive shell is disabled." >&2; exit 1 ;;
esac
path=${SSH_ORIGINAL_COMMAND#* }
path=${path#\'}
path=${path%\'}
path=${path#/}
pkgbase=${path%.git}
case "$pkgbase" in
  "" | -* | .* | *[!a-z0-9@._+-]*) echo "error: invalid repository name: $pkgbase" >&2; exit 1 ;;
esac
repo="$repos/$pkgbase.git"
if [ ! -d "$repo" ]; then
  git init -q --bare --initial-branch=master "$repo"
  git -C "$repo" config core.hooksPath "$hooks"
  git -C "$repo" config receive.denyNonFastForwards true
  git -C "$repo" config receive.denyDeletes true
fi
exec git "$service" "$repo"
