import MLWatchCore
/// Placeholder removed when the journal lands.
enum StoreModule {}
