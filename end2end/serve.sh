#!/usr/bin/env bash
# The server the browser tests run against: a fresh data directory, one account per role (and one
# holding every role) added with the CLI as an administrator would, then `pantau serve --demo`.
# Usage: serve.sh <pantau binary> <port> <data dir> <site root>; the password comes in PANTAU_E2E_PASSWORD.
set -euo pipefail
bin=$1 port=$2 data=$3 site=$4
add() {
  printf '%s\n' "$PANTAU_E2E_PASSWORD" |
    "$bin" user add "$1" --role "$2" --name "$3" --password-stdin --data-dir "$data" "${@:4}" >/dev/null
}
# The applicant's account belongs to an agency: it sees that agency's letters only.
add e2e.pemohon pemohon "Staf Dinas Perhubungan" --agency "Dinas Perhubungan"
add e2e.tu tu "Rina (TU)"
add e2e.kadis kepala_dinas "Kepala Dinas"
add e2e.kabid kabid_aptika "Kabid Aptika"
add e2e.subkor subkor_ile "Subkor ILE"
add e2e.operator operator_tcmr "Operator TCMR"
add e2e.admin admin "Admin Kominfo"
add e2e.semua pemohon,tu,kepala_dinas,kabid_aptika,subkor_ile,operator_tcmr,admin "Penguji Semua Peran"
# Tests and the board benchmark push many requests as one user; the rate limit has its own test.
export PANTAU_MUTATIONS_PER_MINUTE=${PANTAU_MUTATIONS_PER_MINUTE:-1000000}
# Cameras are probed every 2 s, so a camera going down shows within the tests' waits.
export PANTAU_CAMERA_INTERVAL_SECS=${PANTAU_CAMERA_INTERVAL_SECS:-2}
export PANTAU_CAMERA_TIMEOUT_SECS=${PANTAU_CAMERA_TIMEOUT_SECS:-2}
# A letterhead of our own, so the records test sees the settings reach the printed page.
export PANTAU_AGENCY_ADDRESS=${PANTAU_AGENCY_ADDRESS:-"Jl. Uji Coba Kop No. 17, Singkawang 79123"}
export PANTAU_AGENCY_CONTACT=${PANTAU_AGENCY_CONTACT:-"Telp. (0562) 000000 · Pos-el: tcmr@contoh.go.id"}
export PANTAU_AGENCY_SIGNATORY_NAME=${PANTAU_AGENCY_SIGNATORY_NAME:-"Drs. Penanda Tangan Uji, M.Si."}
export PANTAU_AGENCY_SIGNATORY_NIP=${PANTAU_AGENCY_SIGNATORY_NIP:-"19700101 199003 1 001"}
# A copy of what the server prints (the demo accounts' passwords among it) for the tests to read.
exec > >(tee "$data/serve.out")
exec "$bin" serve --addr "127.0.0.1:$port" --data-dir "$data" --site-root "$site" --demo
