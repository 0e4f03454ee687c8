//! A cache prefetch hint, for loops that look up per-key state in tables
//! larger than the cache: asking for the entry a few iterations ahead turns a
//! chain of cache misses into overlapping ones.

/// Hints the CPU to bring the cache line holding `item` into L1.
///
/// wasm32 has no prefetch instruction: there it is a plain one-byte load
/// whose value nothing waits for, which starts the miss early all the same
/// (out-of-order cores do not stall on it). The load is volatile so that
/// neither LLVM nor wasm-opt drops it.
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
    #[cfg(target_arch = "wasm32")]
    // SAFETY: the pointer comes from a live reference, so its first byte is
    // in bounds; read as `MaybeUninit` it may even be padding.
    unsafe {
        std::ptr::read_volatile((item as *const T).cast::<std::mem::MaybeUninit<u8>>())
    };
    #[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
    let _ = item;
}
