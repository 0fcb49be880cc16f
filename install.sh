#!/bin/sh
# Install the shipline binary for this machine, verified against the release's SHA256SUMS.
#
#   curl -fsSL https://github.com/shipline/shipline/releases/latest/download/install.sh | sh
#   sh install.sh 0.1.0                        # a pinned version
#
# Environment:
#   SHIPLINE_VERSION        version to install (default: the argument, else the latest release)
#   SHIPLINE_INSTALL_DIR    where to put `shipline` (default: $HOME/.local/bin)
#   SHIPLINE_DOWNLOAD_BASE  base URL holding shipline-<os>-<arch> and SHA256SUMS (mirrors, tests)
#   SHIPLINE_SHA256         expected SHA-256 of the binary, checked in addition to SHA256SUMS
#
# Refuses (exit 1, nothing installed) when the download does not match its checksum.
set -eu

repo="shipline/shipline"
version="${1:-${SHIPLINE_VERSION:-latest}}"
version="${version#v}"
install_dir="${SHIPLINE_INSTALL_DIR:-$HOME/.local/bin}"

die() { printf 'install.sh: %s\n' "$1" >&2; exit 1; }

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW* | MSYS* | CYGWIN*) os=windows ;;
  *) die "unsupported operating system $(uname -s); download a binary from https://github.com/$repo/releases" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "unsupported CPU $(uname -m); download a binary from https://github.com/$repo/releases" ;;
esac
asset="shipline-$os-$arch"
[ "$os" = windows ] && asset="$asset.exe"

if [ -n "${SHIPLINE_DOWNLOAD_BASE:-}" ]; then
  base="${SHIPLINE_DOWNLOAD_BASE%/}"
elif [ "$version" = latest ]; then
  base="https://github.com/$repo/releases/latest/download"
else
  base="https://github.com/$repo/releases/download/v$version"
fi

fetch() { # fetch URL FILE
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    die "no sha256sum or shasum to verify the download with"
  fi
}

tmp="$(mktemp -d "${TMPDIR:-/tmp}/shipline-install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT INT TERM

fetch "$base/$asset" "$tmp/$asset" || die "could not download $base/$asset"
fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" || die "could not download $base/SHA256SUMS"

# SHA256SUMS lines are "<hex>  <name>" (sha256sum format; "*" marks binary mode).
expected="$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")"
[ -n "$expected" ] || die "SHA256SUMS has no entry for $asset"
actual="$(sha256 "$tmp/$asset")"
if [ "$actual" != "$expected" ]; then
  die "checksum mismatch for $asset: expected $expected, got $actual; refusing to install"
fi
if [ -n "${SHIPLINE_SHA256:-}" ] && [ "$actual" != "$SHIPLINE_SHA256" ]; then
  die "checksum mismatch for $asset: SHIPLINE_SHA256 is $SHIPLINE_SHA256, got $actual; refusing to install"
fi

mkdir -p "$install_dir"
target="$install_dir/shipline"
[ "$os" = windows ] && target="$target.exe"
chmod 755 "$tmp/$asset"
mv "$tmp/$asset" "$target.tmp.$$"
mv "$target.tmp.$$" "$target"
printf 'installed shipline (%s, sha256 %s) to %s\n' "$asset" "$actual" "$target"
case ":$PATH:" in
  *":$install_dir:"*) ;;
  *) printf 'note: %s is not on PATH; add it, e.g. export PATH="%s:$PATH"\n' "$install_dir" "$install_dir" ;;
esac
