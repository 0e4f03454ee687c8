//! The runtime of the shipped (no `std`) build: the panic handler and the allocator.
//!
//! The handler ignores the panic's message, so none of Rust's formatting code is linked;
//! it disables the widget (one `console.error`) and traps. The allocator is lol_alloc's
//! free list (address-ordered, adjacent blocks merged, memory grown as needed) used from one
//! thread; see docs/ARCHITECTURE.md, "The allocator", for how it was chosen.

/// Disables the widget and traps: the instance is unusable after a panic anyway.
#[panic_handler]
fn on_panic(_info: &::core::panic::PanicInfo) -> ! {
    super::guard::disable();
    ::core::arch::wasm32::unreachable()
}

// `AssumeSingleThreaded` is sound only where no two threads can allocate at once: a wasm
// module built without the `atomics` target feature has no shared memory, so it runs on
// one thread. The widget is built so; a build with threads stops here instead.
#[cfg(target_feature = "atomics")]
compile_error!("the widget's allocator assumes one thread: build it without `atomics`");

#[global_allocator]
// SAFETY: single-threaded by construction (see the `compile_error!` above).
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
