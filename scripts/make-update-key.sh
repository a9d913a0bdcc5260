#!/usr/bin/env bash
# Makes your team's update signing key pair (minisign, through tauri-cli):
#
#   scripts/make-update-key.sh [PRIVATE_KEY_FILE]
#
# The private key goes to PRIVATE_KEY_FILE (default
# ~/.switchboard/update-signing.key, mode 0600), protected by the password in
# SWITCHBOARD_SIGNING_PASSWORD (asked when unset); keep both out of the
# repository and back them up. The public key is written into
# tauri.conf.json (plugins.updater.pubkey): every app built from then on
# installs only updates signed with this key. An existing key is never
# overwritten. scripts/package.sh signs the packages with it.
set -euo pipefail
SAY_AS=make-update-key
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
command -v cargo-tauri >/dev/null || die "needs tauri-cli: bash scripts/setup.sh package"

key="${1:-$HOME/.switchboard/update-signing.key}"
[ -e "$key" ] && die "$key exists; move it away first if you really mean to replace your team's key"
if [ -z "${SWITCHBOARD_SIGNING_PASSWORD+set}" ]; then
    read -r -s -p "A password for the new private key: " SWITCHBOARD_SIGNING_PASSWORD
    echo
fi
mkdir -p "$(dirname "$key")"
umask 077
cargo tauri signer generate --ci -w "$key" -p "$SWITCHBOARD_SIGNING_PASSWORD" >/dev/null
pubkey="$(tr -d '\n' <"$key.pub")"
[ -n "$pubkey" ] || die "tauri-cli wrote no public key"
sed -i "s|\"pubkey\": \"[^\"]*\"|\"pubkey\": \"$pubkey\"|" tauri.conf.json
grep -q "$pubkey" tauri.conf.json || die "could not write the public key into tauri.conf.json"
say "private key: $key (keep it secret, back it up)"
say "public key written into tauri.conf.json (plugins.updater.pubkey); commit it"
