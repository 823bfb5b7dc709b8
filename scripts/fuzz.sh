#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser of outside input with libFuzzer (+ AddressSanitizer).
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags…]     e.g. scripts/fuzz.sh event-line 600 -jobs=1
#   scripts/fuzz.sh --list                                the targets (FuzzTarget in Sources/MLWatchFuzzTargets)
#   scripts/fuzz.sh --supported                           exit 0 when this toolchain can build fuzz targets
#
# Builds Sources/mlwatch-fuzz in release mode with AddressSanitizer and libFuzzer's coverage instrumentation
# into .build-fuzz (MLWATCH_FUZZ=1 adds the target to Package.swift; a normal `swift build` never sees it),
# linked with libFuzzer's driver (libclang_rt.fuzzer_no_main: SwiftPM's executables define their own
# entry point, which calls LLVMFuzzerRunDriver — see Sources/mlwatch-fuzz), then runs it on a working corpus
# in .build-fuzz/corpus/TARGET seeded from Tests/FuzzCorpus/TARGET (the seeds are never modified).
# A crash leaves its input in .build-fuzz/crashes/TARGET/ and fails the script: copy the input into
# Tests/FuzzCorpus/TARGET/ (the tests replay every file there), fix the parser, run again.
# Prints the executions, coverage (cov: edges) and the new-input count of the run on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(event-line timestamp rule-expression config-yaml profile checkpoint prometheus-api alertmanager-api)

# libFuzzer without its main, from the toolchain's clang runtime.
fuzzer_lib() {
  local swiftc; swiftc=$(command -v swiftc) || return 1
  ls "$(dirname "$(readlink -f "$swiftc")")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null | head -1
}

build() {
  local lib; lib=$(fuzzer_lib)
  MLWATCH_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product mlwatch-fuzz \
    -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp,indirect-calls \
    -Xcc -fsanitize=address,fuzzer-no-link -Xlinker "$lib" -Xlinker -lstdc++ "$@"
}

case "${1:-}" in
  --list) printf '%s\n' "${targets[@]}"; exit 0 ;;
  --supported)
    # The toolchain must ship libFuzzer and instrument Swift for it (the Linux toolchains from swift.org do).
    lib=$(fuzzer_lib) && [ -n "$lib" ] || exit 1
    probe=$(mktemp -d); trap 'rm -rf "$probe"' EXIT
    printf '@_silgen_name("LLVMFuzzerRunDriver") func d(_ c: UnsafeMutablePointer<CInt>, _ v: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>, _ t: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt\n@_cdecl("probe_main") public func m(_ c: CInt, _ v: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt { var c = c; var v = v; return d(&c, &v) { _, _ in 0 } }\n' > "$probe/f.swift"
    swiftc -parse-as-library -sanitize=address -sanitize-coverage=edge,inline-8bit-counters,pc-table "$probe/f.swift" -o "$probe/f" \
      -Xlinker --defsym -Xlinker main=probe_main -Xlinker "$lib" -Xlinker -lstdc++ >/dev/null 2>&1 && "$probe/f" -runs=1 >/dev/null 2>&1
    exit $? ;;
  ""|-h|--help) sed -n '2,13p' "$0"; exit 2 ;;
esac

target=$1; seconds=${2:?seconds}; shift 2
printf '%s\n' "${targets[@]}" | grep -qx "$target" || { echo "fuzz: unknown target $target (scripts/fuzz.sh --list)"; exit 2; }
buildlog=$(mktemp)
if ! build >"$buildlog" 2>&1; then grep -E "error" "$buildlog" | head -20; rm -f "$buildlog"; echo "fuzz: build failed"; exit 1; fi
rm -f "$buildlog"

corpus=.build-fuzz/corpus/$target; crashes=.build-fuzz/crashes/$target
mkdir -p "$corpus" "$crashes"
dict=Tests/FuzzCorpus/$target.dict
flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$crashes/" -print_final_stats=1)
[ -f "$dict" ] && flags+=(-dict="$dict")
log=$(mktemp); trap 'rm -f "$log"' EXIT
status=0
# SWIFT_BACKTRACE: Swift's own crash reporter would wait on a crashed child instead of letting libFuzzer
# report; ASan's symbolizer prints the stack instead.
MLWATCH_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
  .build-fuzz/release/mlwatch-fuzz "${flags[@]}" "$@" "$corpus" "Tests/FuzzCorpus/$target" >"$log" 2>&1 || status=$?
grep -E "^(==|SUMMARY|Fatal|.*Fatal error|.*precondition)" "$log" | head -20 || true
runs=$(grep -Eo "stat::number_of_executed_units: *[0-9]+" "$log" | grep -Eo "[0-9]+$" || echo 0)
cov=$(grep -Eo "cov: [0-9]+" "$log" | tail -1 | grep -Eo "[0-9]+" || echo 0)
new=$(grep -Eo "stat::new_units_added: *[0-9]+" "$log" | grep -Eo "[0-9]+$" || echo 0)
echo "fuzz $target: ${runs} executions in ${seconds} s, coverage ${cov} edges, ${new} new inputs, corpus $(ls "$corpus" | wc -l) files"
if [ $status -ne 0 ]; then
  tail -40 "$log"
  echo "fuzz $target: FAILED (status $status); the input is in $crashes/"
  exit 1
fi
