//! The runtime of another wasm module built on the core alone (without the widget's
//! `shell` and without `std`, e.g. the loyalty panel): the panic handler and the allocator,
//! as in `web::runtime`. Cargo also links this crate's own `cdylib` when another crate
//! depends on it, which needs both.

/// Traps: the instance is unusable after a panic anyway, and no formatting code is linked.
#[panic_handler]
fn on_panic(_info: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}

// The same allocator as the widget's (see `web::runtime` and docs/ARCHITECTURE.md, "The
// allocator"): sound only without threads, which a build without `atomics` guarantees.
#[cfg(target_feature = "atomics")]
compile_error!("the allocator assumes one thread: build without `atomics`");

#[global_allocator]
// SAFETY: single-threaded by construction (see the `compile_error!` above).
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
