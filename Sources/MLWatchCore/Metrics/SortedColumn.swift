/// A sorted multiset of finite doubles that a sliding window adds to and removes from.
///
/// Why purpose-built: a window's exact quantiles and its drift tests need every value in order. Sorting
/// the whole window at each evaluation costs O(n log n) (or an O(n) radix sort with a large constant)
/// per column per evaluation, although a slide only adds and removes a few percent of the values.
/// Here additions and removals are buffered and applied in one linear merge when the values are read:
/// O(n + k log k) for k changes. `mlwatch-bench replay` measures the effect on a whole replay.
///
/// Removing a value that is not present is a caller bug (the window removes exactly what it added); it
/// traps in debug builds and is ignored in release builds.
public struct SortedColumn: Sendable {
    private var values: [Double] = []
    private var added: [Double] = []
    private var removed: [Double] = []

    public init() {}

    /// Number of values, pending changes included.
    public var count: Int { values.count + added.count - removed.count }
    public var isEmpty: Bool { count == 0 }

    /// Adds a finite value (non-finite values must be filtered by the caller).
    public mutating func insert(_ x: Double) {
        added.append(x)
    }

    public mutating func remove(_ x: Double) {
        removed.append(x)
    }

    public mutating func removeAll() {
        values.removeAll(keepingCapacity: true)
        added.removeAll(keepingCapacity: true)
        removed.removeAll(keepingCapacity: true)
    }

    /// The values in ascending order (applies pending changes first).
    public mutating func sorted() -> [Double] {
        settle()
        return values
    }

    /// Applies the pending changes with one merge pass.
    public mutating func settle() {
        if added.isEmpty && removed.isEmpty { return }
        // A value added and removed before a read never needs to reach `values`: cancel such pairs
        // first, which also keeps `removed` a sub-multiset of `values`.
        let adds = sortSmall(added)
        var rems = sortSmall(removed)
        var pendingAdds = adds
        if !adds.isEmpty && !rems.isEmpty {
            (pendingAdds, rems) = Self.cancel(adds, rems)
        }
        added.removeAll(keepingCapacity: true)
        removed.removeAll(keepingCapacity: true)
        if values.isEmpty {
            assert(rems.isEmpty, "SortedColumn: removed a value that was never added")
            values = pendingAdds
            return
        }
        values = Self.merge(values, adding: pendingAdds, removing: rems)
    }

    private func sortSmall(_ xs: [Double]) -> [Double] {
        // The radix sort wins from a few thousand values on; a first fill of the window is one big batch.
        xs.count > 2048 ? DoubleRadixSort.sorted(xs) : xs.sorted()
    }

    /// Removes from both sorted lists the values they have in common (as multisets).
    static func cancel(_ a: [Double], _ b: [Double]) -> ([Double], [Double]) {
        var ra: [Double] = []
        var rb: [Double] = []
        ra.reserveCapacity(a.count)
        rb.reserveCapacity(b.count)
        var i = 0
        var j = 0
        while i < a.count && j < b.count {
            if a[i] < b[j] {
                ra.append(a[i])
                i += 1
            } else if b[j] < a[i] {
                rb.append(b[j])
                j += 1
            } else {
                i += 1
                j += 1
            }
        }
        ra.append(contentsOf: a[i...])
        rb.append(contentsOf: b[j...])
        return (ra, rb)
    }

    /// `base` with `adds` merged in and one occurrence of each of `rems` taken out, all sorted.
    /// - Complexity: O(base + adds + rems).
    static func merge(_ base: [Double], adding adds: [Double], removing rems: [Double]) -> [Double] {
        let n = base.count + adds.count - rems.count
        return [Double](unsafeUninitializedCapacity: max(n, 0)) { out, initialized in
            base.withUnsafeBufferPointer { b in
                adds.withUnsafeBufferPointer { a in
                    rems.withUnsafeBufferPointer { r in
                        var i = 0, j = 0, k = 0, o = 0
                        while i < b.count {
                            let x = b[i]
                            if k < r.count && r[k] == x {
                                // Drop this occurrence.
                                k += 1
                                i += 1
                                continue
                            }
                            if j < a.count && a[j] < x {
                                if o < out.count { out[o] = a[j] }
                                o += 1
                                j += 1
                                continue
                            }
                            assert(k >= r.count || r[k] > x, "SortedColumn: removed a value that was never added")
                            if k < r.count && r[k] < x { k += 1 }  // release builds: skip an absent value
                            if o < out.count { out[o] = x }
                            o += 1
                            i += 1
                        }
                        while j < a.count {
                            if o < out.count { out[o] = a[j] }
                            o += 1
                            j += 1
                        }
                        initialized = min(o, out.count)
                    }
                }
            }
        }
    }
}
