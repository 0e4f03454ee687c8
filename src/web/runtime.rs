//! The runtime of the shipped (no `std`) build: the panic handler and the allocator.
//!
//! The handler ignores the panic's message, so none of Rust's formatting code is linked;
//! it disables the widget (one `console.error`) and traps. The allocator is `dlmalloc`, the
//! one `std` itself uses on wasm32.

/// Disables the widget and traps: the instance is unusable after a panic anyway.
#[panic_handler]
fn on_panic(_info: &::core::panic::PanicInfo) -> ! {
    super::guard::disable();
    ::core::arch::wasm32::unreachable()
}

#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;
