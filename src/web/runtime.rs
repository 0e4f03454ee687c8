//! The runtime of the shipped (no `std`) build: the panic handler and the allocator.
//!
//! The handler ignores the panic's message, so none of Rust's formatting code is linked;
//! it disables the widget (one `console.error`) and traps. The allocator is the crate's own
//! size-class heap ([`crate::heap`]), a fraction of the size of dlmalloc (what `std`
//! brings) or of a general-purpose allocator crate.

/// Disables the widget and traps: the instance is unusable after a panic anyway.
#[panic_handler]
fn on_panic(_info: &::core::panic::PanicInfo) -> ! {
    super::guard::disable();
    ::core::arch::wasm32::unreachable()
}

#[global_allocator]
static ALLOCATOR: crate::heap::SizeClassHeap<crate::heap::WasmMemory> =
    crate::heap::SizeClassHeap::new(crate::heap::WasmMemory);
