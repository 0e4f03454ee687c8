//! The runtime of the shipped (no `std`) build: the panic handler and the allocator.
//!
//! The handler ignores the panic's message, so none of Rust's formatting code is linked;
//! it disables the widget (one `console.error`) and traps. The allocator is `talc`'s
//! single-threaded wasm allocator (growing the memory as needed); see docs/ARCHITECTURE.md
//! for how it was chosen.

/// Disables the widget and traps: the instance is unusable after a panic anyway.
#[panic_handler]
fn on_panic(_info: &::core::panic::PanicInfo) -> ! {
    super::guard::disable();
    ::core::arch::wasm32::unreachable()
}

// The widget is single-threaded (no `atomics` target feature): what `WasmDynamicTalc`
// requires.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
