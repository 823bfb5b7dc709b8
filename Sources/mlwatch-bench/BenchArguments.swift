/// `--name VALUE` options of a benchmark suite's arguments.
struct BenchArguments {
    let args: [String]

    /// The integer after `name`, or `def` when absent or not an integer.
    func int(_ name: String, _ def: Int) -> Int {
        if let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) { return v }
        return def
    }

    /// The text after `name`, or nil when absent.
    func string(_ name: String) -> String? {
        if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
        return nil
    }
}
