#ifndef MLWATCH_CPREFETCH_H
#define MLWATCH_CPREFETCH_H

/// A cache prefetch hint: starts loading the line at `address` into all cache levels without waiting for it.
/// Swift has no prefetch intrinsic; the hot path (the label joiner's index, see LabelJoiner.prefetchAddress) uses this
/// to overlap one cache miss per log line with the parsing of the rest of that line.
static inline void mlwatch_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
