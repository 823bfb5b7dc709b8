// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "mlwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mlwatch", targets: ["mlwatch"]),
        .executable(name: "mlwatch-bench", targets: ["mlwatch-bench"]),
        .library(name: "MLWatchCore", targets: ["MLWatchCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // https for the outgoing HTTP client (Debian's libssl-dev), over mlwatch's own sockets.
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        .target(name: "CPrefetch"),
        .target(
            name: "MLWatchCore",
            dependencies: [
                "CZlib",
                "CPrefetch",
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "MLWatchStore",
            dependencies: ["MLWatchCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Fleets: /metrics exposition, the Prometheus rule export and the Alertmanager client. Kept out of
        // MLWatchCore so the engine stays free of HTTP and of the Prometheus registry.
        .target(
            name: "MLWatchExport",
            dependencies: [
                "MLWatchCore",
                "COpenSSL",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ]
        ),
        .target(name: "MLWatchUI", dependencies: ["MLWatchCore", .product(name: "Yams", package: "Yams")]),
        .target(name: "MLWatchTerminal", dependencies: ["MLWatchUI", "CNCurses"]),
        .executableTarget(
            name: "mlwatch",
            dependencies: [
                "MLWatchCore", "MLWatchStore", "MLWatchUI", "MLWatchTerminal", "MLWatchExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "mlwatch-bench", dependencies: ["MLWatchCore", "MLWatchUI", "MLWatchExport"]),
        // What the libFuzzer targets feed to each parser of outside input; also replayed by the tests.
        .target(name: "MLWatchFuzzTargets", dependencies: ["MLWatchCore", "MLWatchExport"]),
        .testTarget(name: "MLWatchCoreTests", dependencies: ["MLWatchCore", "MLWatchFuzzTargets"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MLWatchStoreTests", dependencies: ["MLWatchStore", "MLWatchCore"]),
        .testTarget(name: "MLWatchUITests", dependencies: ["MLWatchUI", "MLWatchCore"], exclude: ["Snapshots"]),
        // Helpers shared by the test targets that run child processes (no product code depends on it).
        .target(name: "MLWatchTestSupport", path: "Tests/MLWatchTestSupport"),
        .testTarget(name: "MLWatchExportTests", dependencies: ["MLWatchExport", "MLWatchCore", "COpenSSL", "MLWatchTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "EndToEndTests", dependencies: ["MLWatchCore", "MLWatchTestSupport"]),
    ]
)

// The libFuzzer executable, only for `scripts/fuzz.sh` (MLWATCH_FUZZ=1, scratch path .build-fuzz,
// `--sanitize fuzzer --sanitize address`): libFuzzer provides its `main`, so a normal build cannot link it.
if Context.environment["MLWATCH_FUZZ"] != nil {
    package.targets.append(.executableTarget(
        name: "mlwatch-fuzz", dependencies: ["MLWatchFuzzTargets"],
        // Its entry point is a C function of its own that starts libFuzzer's driver (see FuzzEntry.swift).
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    package.products.append(.executable(name: "mlwatch-fuzz", targets: ["mlwatch-fuzz"]))
}

// Strict settings for every target, in one place (as swift-log does).
for target in package.targets where target.type != .system && target.name != "CPrefetch" {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    target.swiftSettings = settings
}
