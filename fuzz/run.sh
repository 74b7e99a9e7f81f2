#!/usr/bin/env bash
# Coverage-guided fuzzing of every decoder, with cargo-fuzz (libFuzzer + AddressSanitizer).
#   fuzz/run.sh [SECONDS]     (default 300)
# cargo-fuzz needs nightly compiler flags; with only a stable toolchain, RUSTC_BOOTSTRAP=1 lets
# stable rustc accept them. Findings land in fuzz/artifacts/decode/, the corpus in fuzz/corpus/.
# Prints libFuzzer's statistics; the last line gives the number of executions ("#N ... DONE").
set -euo pipefail
cd "$(dirname "$0")"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
seconds="${1:-300}"
mkdir -p corpus/decode
# corpus/decode grows as the fuzzer learns; seeds/decode holds real answers to start from.
RUSTC_BOOTSTRAP=1 cargo fuzz run decode corpus/decode seeds/decode -- -max_total_time="$seconds" -rss_limit_mb=4096
