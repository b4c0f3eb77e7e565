import { join } from "node:path";
import { Readable } from "node:stream";
import { writeHashed } from "./archive.ts";
import type { AssetInput, MadeFile } from "./assets.ts";
import { assetUrl } from "./build.ts";
import type { Config } from "./config.ts";
import type { ReleaseManifest } from "./manifest.ts";
import { parseTarget, targetNames, targetValues, type Target } from "./targets.ts";
import { fillTemplate } from "./template.ts";
import type { Version } from "./version.ts";

/** The one-line installers a release can carry: `sh` (install.sh) and `powershell` (install.ps1). */
export const installerKinds = ["sh", "powershell"] as const;
export type InstallerKind = (typeof installerKinds)[number];

const fileNames: Record<InstallerKind, string> = { sh: "install.sh", powershell: "install.ps1" };

/**
 * The installers' asset maker. Each script names the archive of every target ferry knows, not
 * only those built, so every runner of a split build writes the same bytes; the release's
 * checksums.txt says which archives exist, and the script installs only one whose sha256 matches it.
 */
export async function installers({ config, version, distDir, serverUrl }: AssetInput): Promise<MadeFile[]> {
  const made: MadeFile[] = [];
  const base = assetUrl(serverUrl, config.project.repository, version.tag, "");
  for (const kind of config.installers ?? []) {
    const text = kind === "sh" ? installSh(config, version, base) : installPs1(config, version, base);
    const written = await writeHashed(Readable.from([Buffer.from(text)]), join(distDir, fileNames[kind]));
    made.push({ name: fileNames[kind], kind: "installer", ...written });
  }
  return made;
}

/** The commands that run a release's installers, as the report prints them. */
export function installCommands(manifest: ReleaseManifest): string[] {
  return (manifest.files ?? [])
    .filter((f) => f.kind === "installer")
    .map((f) => (f.name.endsWith(".ps1") ? `powershell -c "irm ${f.url} | iex"` : `curl -fsSL ${f.url} | sh`));
}

/** Every target ferry knows on the given systems, with its archive's name as this project names it. */
function archiveNames(config: Config, version: Version, os: ReadonlyArray<Target["os"]>): Array<[string, string]> {
  return targetNames.flatMap((name) => {
    const target = parseTarget(name)!;
    if (!os.includes(target.os)) return [];
    const values = {
      ...targetValues(target),
      version: version.semver,
      tag: version.tag,
      project: config.project.name,
      binary: config.project.binary,
    };
    const format = target.os === "windows" ? "zip" : "tar.gz";
    return [[name, `${fillTemplate(config.archives.name, values, "archives.name")}.${format}`]];
  });
}

/** A single-quoted sh word. */
const shWord = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

function installSh(config: Config, version: Version, base: string): string {
  const { name: project, binary } = config.project;
  const table = archiveNames(config, version, ["linux", "darwin", "freebsd"])
    .map(([target, archive]) => `    ${target}) echo ${shWord(archive)} ;;`)
    .join("\n");
  return `#!/bin/sh
# Installs ${project} ${version.semver} from its release:
#   curl -fsSL ${base}install.sh | sh
#   curl -fsSL ${base}install.sh | sh -s -- --prefix /usr/local
# Finds the archive for this system's os, architecture and libc, checks its sha256 against the
# release's checksums.txt, and installs ${binary} to <prefix>/bin (default: /usr/local as root, else
# ~/.local). FERRY_INSTALL_PREFIX, and FERRY_INSTALL_OS, FERRY_INSTALL_ARCH and FERRY_INSTALL_LIBC
# (gnu or musl), override the prefix and what is detected.
set -eu

project=${shWord(project)}
version=${shWord(version.semver)}
binary=${shWord(binary)}
base=${shWord(base)}

fail() {
  echo "install.sh: $*" >&2
  exit 1
}

archive_of() {
  case "$1" in
${table}
  esac
}

prefix=\${FERRY_INSTALL_PREFIX:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || fail "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --prefix=*) prefix=\${1#--prefix=}; shift ;;
    -h | --help) echo "usage: sh install.sh [--prefix DIR]  (installs $project $version to DIR/bin)"; exit 0 ;;
    *) fail "unknown option $1 (usage: sh install.sh [--prefix DIR])" ;;
  esac
done
if [ -z "$prefix" ]; then
  if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix="\${HOME:?}/.local"; fi
fi

os=\${FERRY_INSTALL_OS:-$(uname -s)}
case "$os" in
  Linux | linux) os=linux ;;
  Darwin | darwin) os=darwin ;;
  FreeBSD | freebsd) os=freebsd ;;
  MINGW* | MSYS* | CYGWIN* | Windows_NT | windows) fail "on Windows, run install.ps1 from the same release: powershell -c \\"irm \${base}install.ps1 | iex\\"" ;;
  *) fail "$project is not built for the operating system $os" ;;
esac
arch=\${FERRY_INSTALL_ARCH:-$(uname -m)}
case "$arch" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64 | armv8*) arch=arm64 ;;
  i386 | i486 | i586 | i686 | 386) arch=386 ;;
  armv7* | armhf) arch=armv7 ;;
  ppc64le) arch=ppc64le ;;
  s390x) arch=s390x ;;
  riscv64) arch=riscv64 ;;
  *) fail "$project is not built for the architecture $arch" ;;
esac
# A musl system runs only musl builds; a glibc system runs its own build, else a static musl one.
# A Mac runs its own build, else the universal one.
libc=
case "$os" in
  linux)
    libc=\${FERRY_INSTALL_LIBC:-}
    if [ -z "$libc" ]; then
      if ls /lib/ld-musl-* >/dev/null 2>&1 || (ldd --version 2>&1 | grep -qi musl); then libc=musl; else libc=gnu; fi
    fi
    case "$libc" in
      musl) candidates="linux/$arch-musl" ;;
      gnu | glibc) candidates="linux/$arch linux/$arch-musl" ;;
      *) fail "FERRY_INSTALL_LIBC is $libc; expected gnu or musl" ;;
    esac
    ;;
  darwin) candidates="darwin/$arch darwin/universal" ;;
  *) candidates="$os/$arch" ;;
esac

if command -v curl >/dev/null 2>&1; then
  download() { curl -fsSL --retry 3 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  download() { wget -q -O "$2" "$1"; }
else
  fail "neither curl nor wget is installed; install one and run this again"
fi
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else
  fail "neither sha256sum nor shasum is installed, so the download cannot be checked; install one and run this again"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
download "\${base}checksums.txt" "$tmp/checksums.txt" || fail "cannot download \${base}checksums.txt"
archive=
expected=
for target in $candidates; do
  name=$(archive_of "$target")
  [ -n "$name" ] || continue
  expected=$(awk -v name="$name" '$2 == name || $2 == "*" name { print $1; exit }' "$tmp/checksums.txt")
  if [ -n "$expected" ]; then archive=$name; break; fi
done
[ -n "$archive" ] || fail "$project $version has no build for $os/$arch\${libc:+ ($libc)}; the release has: $(awk '{ print $2 }' "$tmp/checksums.txt" | tr '\\n' ' ')"

echo "downloading $archive"
download "$base$archive" "$tmp/$archive" || fail "cannot download $base$archive"
actual=$(sha256 "$tmp/$archive")
[ "$actual" = "$expected" ] || fail "$archive has sha256 $actual, but checksums.txt says $expected; nothing was installed"
mkdir "$tmp/x"
tar -xzf "$tmp/$archive" -C "$tmp/x" "$binary" || fail "$archive holds no $binary"
mkdir -p "$prefix/bin" || fail "cannot create $prefix/bin (choose another with --prefix)"
cp "$tmp/x/$binary" "$prefix/bin/.$binary.tmp" || fail "cannot write to $prefix/bin (choose another with --prefix)"
chmod 755 "$prefix/bin/.$binary.tmp"
mv -f "$prefix/bin/.$binary.tmp" "$prefix/bin/$binary"
echo "installed $project $version ($archive) to $prefix/bin/$binary"
case ":\${PATH:-}:" in
  *":$prefix/bin:"*) ;;
  *) echo "add $prefix/bin to your PATH to run $binary" ;;
esac
`;
}

/** A single-quoted PowerShell string. */
const psString = (value: string) => `'${value.replace(/'/g, "''")}'`;

function installPs1(config: Config, version: Version, base: string): string {
  const { name: project, binary } = config.project;
  const table = archiveNames(config, version, ["windows"])
    .map(([target, archive]) => `  ${psString(target.replace("windows/", ""))} = ${psString(archive)}`)
    .join("\n");
  return `# Installs ${project} ${version.semver} from its release:
#   powershell -c "irm ${base}install.ps1 | iex"
# Finds the archive for this machine's architecture, checks its SHA256 against the release's
# checksums.txt, and installs ${binary}.exe to <prefix>\\bin (default: $env:LOCALAPPDATA\\Programs\\${project}).
# FERRY_INSTALL_PREFIX and FERRY_INSTALL_ARCH override the prefix and the detected architecture.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$project = ${psString(project)}
$version = ${psString(version.semver)}
$binary = ${psString(`${binary}.exe`)}
$base = ${psString(base)}
$archives = @{
${table}
}

$prefix = if ($env:FERRY_INSTALL_PREFIX) { $env:FERRY_INSTALL_PREFIX } else { Join-Path $env:LOCALAPPDATA "Programs\\$project" }
$detected = if ($env:FERRY_INSTALL_ARCH) { $env:FERRY_INSTALL_ARCH } else { $env:PROCESSOR_ARCHITECTURE }
# Windows on Arm runs its own build, else the amd64 one under emulation.
$candidates = switch ($detected) {
  { $_ -in 'AMD64', 'amd64', 'x64' } { @('amd64') }
  { $_ -in 'ARM64', 'arm64' } { @('arm64', 'amd64') }
  { $_ -in 'x86', '386' } { @('386') }
  default { throw "install.ps1: $project is not built for the architecture $detected" }
}

$tmp = Join-Path ([System.IO.Path]::GetTempPath()) ([System.IO.Path]::GetRandomFileName())
New-Item -ItemType Directory -Path $tmp | Out-Null
try {
  $sums = (Invoke-WebRequest -UseBasicParsing -Uri ($base + 'checksums.txt')).Content
  if ($sums -is [byte[]]) { $sums = [System.Text.Encoding]::UTF8.GetString($sums) }
  $archive = $null
  $expected = $null
  foreach ($arch in $candidates) {
    $name = $archives[$arch]
    $line = $sums -split "\`n" | Where-Object { ($_ -split '\\s+')[1] -eq $name } | Select-Object -First 1
    if ($line) { $archive = $name; $expected = ($line -split '\\s+')[0]; break }
  }
  if (-not $archive) { throw "install.ps1: $project $version has no build for windows/$detected" }
  Write-Host "downloading $archive"
  $file = Join-Path $tmp $archive
  Invoke-WebRequest -UseBasicParsing -Uri ($base + $archive) -OutFile $file
  $actual = (Get-FileHash -Algorithm SHA256 -Path $file).Hash.ToLowerInvariant()
  if ($actual -ne $expected) { throw "install.ps1: $archive has sha256 $actual, but checksums.txt says $expected; nothing was installed" }
  Expand-Archive -Path $file -DestinationPath (Join-Path $tmp 'x')
  $bin = Join-Path $prefix 'bin'
  New-Item -ItemType Directory -Force -Path $bin | Out-Null
  Copy-Item -Force -Path (Join-Path $tmp "x\\$binary") -Destination (Join-Path $bin $binary)
  Write-Host "installed $project $version ($archive) to $(Join-Path $bin $binary)"
  $path = [Environment]::GetEnvironmentVariable('Path', 'User')
  if (($path -split ';') -notcontains $bin) { Write-Host "add $bin to your Path to run $binary" }
} finally {
  Remove-Item -Recurse -Force -Path $tmp -ErrorAction SilentlyContinue
}
`;
}
