//! The runtime of another wasm module built on the core alone (without the widget's
//! `shell` and without `std`, e.g. the loyalty panel): the panic handler and the allocator,
//! as in `web::runtime`. Cargo also links this crate's own `cdylib` when another crate
//! depends on it, which needs both.

/// Traps: the instance is unusable after a panic anyway, and no formatting code is linked.
#[panic_handler]
fn on_panic(_info: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}

// Single-threaded wasm (no `atomics` target feature): what `WasmDynamicTalc` requires.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
