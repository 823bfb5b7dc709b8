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
    /// The previous buffer, reused by the next merge.
    private var spare: [Double] = []
    /// Largest pending-change buffer kept for reuse after a merge (a slide's worth of changes).
    private static var keptBacklog: Int { 1 << 16 }

    public init() {}

    /// Number of values, pending changes included.
    public var count: Int { values.count + added.count - removed.count }
    public var isEmpty: Bool { count == 0 }

    /// The capacity the pending buffer gets when it fills up first (`expectFill`), then 0.
    private var fillCapacity = 0

    /// Tells an empty column how many values a fill from empty will add at most (an aggregate recomputed
    /// from the window knows): its buffer then takes that capacity when it first fills up, instead of
    /// doubling its way there. Each doubling copied the values and left the old buffer as a hole in the
    /// heap: a 300,000-event snapshot's columns took ~100 bytes per event where their values take 64.
    /// Untouched capacity costs address space, not memory. `0` withdraws the hint.
    public mutating func expectFill(_ n: Int) {
        fillCapacity = values.isEmpty && added.isEmpty && removed.isEmpty ? n : 0
    }

    /// Adds a finite value (non-finite values must be filtered by the caller).
    public mutating func insert(_ x: Double) {
        if added.count == added.capacity, fillCapacity > added.count {
            added.reserveCapacity(fillCapacity)
            fillCapacity = 0
        }
        added.append(x)
        settleIfBacklogged()
    }

    public mutating func remove(_ x: Double) {
        removed.append(x)
        settleIfBacklogged()
    }

    /// A column nobody reads for a while (one no rule looks at) must not buffer changes without bound:
    /// merging once the backlog reaches the column's size keeps memory at O(n) and costs O(1) amortized.
    /// A column being filled from empty (no value held, nothing removed) is not merged on the way: its
    /// backlog is then exactly its values, unsorted, and one sort when it is read costs less than the
    /// doubling merges (a window of 300,000 events built for a snapshot merged 5 times per column, and kept
    /// a spare buffer of its size afterwards: ~100 bytes per event over 8 columns).
    @inline(__always)
    private mutating func settleIfBacklogged() {
        if added.count + removed.count > Swift.max(16_384, values.count), !(values.isEmpty && removed.isEmpty) {
            settle()
        }
    }

    /// Drops the spare merge buffer (the next merge allocates one).
    public mutating func releaseScratch() {
        spare = []
    }

    /// The values in ascending order (applies pending changes first).
    public mutating func sorted() -> [Double] {
        settle()
        return values
    }

    /// Applies the pending changes with one merge pass.
    public mutating func settle() {
        if added.isEmpty && removed.isEmpty { return }
        if values.isEmpty && removed.isEmpty {
            // A first fill: sorted where it was collected, not into a second array (the final snapshot of a
            // 300,000-event window fills every column at once: a copy per column was ~8 bytes per event).
            if added.count > 2048 { DoubleRadixSort.sortInPlace(&added) } else { added.sort() }
            swap(&values, &added)
            added.removeAll(keepingCapacity: added.capacity <= Self.keptBacklog)
            return
        }
        let adds = sortSmall(added)
        let rems = sortSmall(removed)
        // Buffers that held a first fill or a long backlog are freed rather than kept at that size.
        if added.capacity > Self.keptBacklog { added = [] } else { added.removeAll(keepingCapacity: true) }
        if removed.capacity > Self.keptBacklog { removed = [] } else { removed.removeAll(keepingCapacity: true) }
        if values.isEmpty && rems.isEmpty {
            values = adds
            return
        }
        // Merge into the spare buffer of the previous settle and swap: no allocation per read unless a
        // caller still holds the old values (copy-on-write then makes a fresh buffer).
        let n = max(0, values.count + adds.count - rems.count)
        if spare.count > n {
            spare.removeLast(spare.count - n)
        } else if spare.count < n {
            spare.append(contentsOf: repeatElement(0, count: n - spare.count))
        }
        let written = spare.withUnsafeMutableBufferPointer { out in
            Self.merge(values, adds, removing: rems, into: out)
        }
        if written < n { spare.removeLast(n - written) }
        swap(&values, &spare)
    }


    private func sortSmall(_ xs: [Double]) -> [Double] {
        // The radix sort wins from a few thousand values on; a first fill of the window is one big batch.
        xs.count > 2048 ? DoubleRadixSort.sorted(xs) : xs.sorted()
    }

    /// Writes the sorted union of `base` and `adds`, less one occurrence of each of `rems` (a sub-multiset
    /// of that union: a value may be added and removed between two reads), into `out`.
    ///
    /// A slide changes a few percent of a column: between two changes the base is copied in runs, with one
    /// well-predicted comparison per value instead of a three-way choice.
    /// - Returns: the number of values written.
    /// - Complexity: O(base + adds + rems).
    static func merge(_ base: [Double], _ adds: [Double], removing rems: [Double],
                      into out: UnsafeMutableBufferPointer<Double>) -> Int {
        base.withUnsafeBufferPointer { b in
            adds.withUnsafeBufferPointer { a in
                rems.withUnsafeBufferPointer { r in
                    var i = 0, j = 0, k = 0, o = 0
                    let capacity = out.count
                    while true {
                        let nextAdd = j < a.count ? a[j] : .infinity
                        let nextRemoval = k < r.count ? r[k] : .infinity
                        let limit = Swift.min(nextAdd, nextRemoval)
                        // The run of base values below the next change.
                        while i < b.count && b[i] < limit && o < capacity {
                            out[o] = b[i]
                            o += 1
                            i += 1
                        }
                        if limit == .infinity {
                            // No change left (stored values are finite): the run took the rest of the base.
                            return o
                        }
                        if nextRemoval <= nextAdd {
                            if i < b.count && b[i] == nextRemoval {
                                i += 1
                            } else if nextAdd == nextRemoval {
                                j += 1
                            } else {
                                assertionFailure("SortedColumn: removed a value that was never added")
                            }
                            k += 1
                        } else {
                            if o < capacity { out[o] = nextAdd }
                            o += 1
                            j += 1
                        }
                        if o > capacity { return capacity }
                    }
                }
            }
        }
    }
}
