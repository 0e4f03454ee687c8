//! The runtime of the shipped (no `std`) build: the panic handler and the allocator.
//!
//! The handler ignores the panic's message, so none of Rust's formatting code is linked;
//! it disables the widget (one `console.error`) and traps. talc replaces dlmalloc, the
//! allocator `std` would bring, at a fraction of its size.

/// Disables the widget and traps: the instance is unusable after a panic anyway.
#[panic_handler]
fn on_panic(_info: &::core::panic::PanicInfo) -> ! {
    super::guard::disable();
    ::core::arch::wasm32::unreachable()
}

#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
