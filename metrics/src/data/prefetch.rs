//! A cache prefetch hint, for loops that look up per-key state in tables
//! larger than the cache: asking for the entry a few iterations ahead turns a
//! chain of cache misses into overlapping ones.

/// Hints the CPU to bring the cache line holding `item` into L1. A no-op
/// where no such instruction is available (wasm32).
#[inline(always)]
pub(crate) fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults, and the pointer comes
    // from a live reference anyway.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (item as *const T).cast(),
        )
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}
