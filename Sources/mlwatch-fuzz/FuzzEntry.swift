import Foundation
import MLWatchFuzzTargets

// The libFuzzer driver for the targets of `FuzzTarget`; built only by `scripts/fuzz.sh` (MLWATCH_FUZZ=1,
// `-sanitize=fuzzer,address`). The target is chosen by $MLWATCH_FUZZ_TARGET (a `FuzzTarget` raw value).
//
// SwiftPM links an executable's entry point as `main = <module>_main`, so that symbol is defined here and
// hands over to libFuzzer's driver (`LLVMFuzzerRunDriver`, the documented way to call it from a program
// with a main of its own); libFuzzer's own `main` is then not linked.

nonisolated(unsafe) private var selected: FuzzTarget?

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("mlwatch_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let name = ProcessInfo.processInfo.environment["MLWATCH_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("mlwatch-fuzz: set MLWATCH_FUZZ_TARGET to one of: \(known)\n".utf8))
        return 2
    }
    selected = target
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments) { data, size in
        selected?.run(UnsafeBufferPointer(start: size > 0 ? data : nil, count: size))
        return 0
    }
}
