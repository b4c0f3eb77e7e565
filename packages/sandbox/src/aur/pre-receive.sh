#!/bin/sh
# The checks of aurweb's update hook that a publisher can trip over: only master, every pushed
# tip carries a PKGBUILD and a .SRCINFO whose pkgbase is the repository's name and which names
# pkgver, pkgrel and pkgname. (Non-fast-forward pushes are refused by the repository's config.)
pkgbase=$(basename "$PWD" .git)
zero=0000000000000000000000000000000000000000
while read -r old new ref; do
  if [ "$ref" != refs/heads/master ]; then
    echo "error: pushing to a branch other than master is restricted" >&2
    exit 1
  fi
  if [ "$new" = "$zero" ]; then
    echo "error: deleting master is not allowed" >&2
    exit 1
  fi
  if ! git cat-file -e "$new:PKGBUILD" 2>/dev/null; then
    echo "error: missing PKGBUILD in commit $new" >&2
    exit 1
  fi
  if ! srcinfo=$(git show "$new:.SRCINFO" 2>/dev/null); then
    echo "error: missing .SRCINFO in commit $new" >&2
    exit 1
  fi
  if ! printf '%s\n' "$srcinfo" | grep -qxF "pkgbase = $pkgbase"; then
    echo "error: invalid pkgbase in .SRCINFO of commit $new, expected $pkgbase" >&2
    exit 1
  fi
  for field in pkgver pkgrel pkgname; do
    if ! printf '%s\n' "$srcinfo" | grep -Eq "^[[:space:]]*$field = ."; then
      echo "error: missing mandatory field in .SRCINFO of commit $new: $field" >&2
      exit 1
    fi
  done
  : "$old"
done
