//! The shipped widget's allocator: power-of-two size classes with one free list each.
//!
//! A request is rounded up to a power of two (at least 8 bytes). A freed block goes onto
//! the free list of its class and is handed out again for the next request of that class;
//! new blocks are cut from the end of the heap, which grows by whole wasm pages. Blocks
//! are never split or merged. That wastes at most half of each block, which suits the
//! widget (a few hundred small, short-lived allocations, and `Vec`/`String` capacities that
//! are powers of two already) and costs a few hundred bytes of code, against ~2 KB for a
//! general-purpose allocator.
//!
//! The logic is independent of where memory comes from ([`Pages`]), so it is tested
//! natively over a plain buffer.

use ::core::alloc::{GlobalAlloc, Layout};
use ::core::cell::UnsafeCell;
use ::core::ptr::null_mut;

/// Size of a wasm memory page.
pub const PAGE: usize = 64 * 1024;

/// Smallest block: room for the free-list link, and the alignment every block gets.
const MIN_BLOCK: usize = 8;

/// One free list per power of two from [`MIN_BLOCK`] up to 2³¹.
const CLASSES: usize = 29;

/// Length of the free-list table: [`CLASSES`] rounded up to a power of two, so that
/// [`class_of`] masks its index into range and indexing needs no bounds check (whose panic
/// message would pull integer formatting into the wasm).
const TABLE: usize = 32;

/// Where fresh memory comes from.
pub trait Pages {
    /// Adds `count` pages and returns the address of the first, or `None` when out of memory.
    fn grow(&self, count: usize) -> Option<usize>;
}

/// The linear memory of the running wasm instance.
#[cfg(target_arch = "wasm32")]
pub struct WasmMemory;

#[cfg(target_arch = "wasm32")]
impl Pages for WasmMemory {
    fn grow(&self, count: usize) -> Option<usize> {
        match ::core::arch::wasm32::memory_grow(0, count) {
            usize::MAX => None,
            previous => Some(previous * PAGE),
        }
    }
}

struct State {
    /// Head of each class's free list (0: empty); a free block stores the next address.
    free: [usize; TABLE],
    /// Start of the untouched part of the heap, and its end.
    next: usize,
    end: usize,
}

/// The allocator over a page source.
pub struct SizeClassHeap<P> {
    state: UnsafeCell<State>,
    pages: P,
}

// SAFETY: wasm32 without threads runs on one thread; natively the heap is only used by
// single-threaded tests through `&mut`-free calls that never overlap.
unsafe impl<P> Sync for SizeClassHeap<P> {}

impl<P: Pages> SizeClassHeap<P> {
    /// An empty heap; the first allocation grows memory.
    pub const fn new(pages: P) -> Self {
        SizeClassHeap {
            state: UnsafeCell::new(State {
                free: [0; TABLE],
                next: 0,
                end: 0,
            }),
            pages,
        }
    }
}

/// The size of the block serving `layout` (a power of two), or `None` when too large.
fn block_size(layout: &Layout) -> Option<usize> {
    layout
        .size()
        .max(layout.align())
        .max(MIN_BLOCK)
        .checked_next_power_of_two()
        .filter(|&size| size.trailing_zeros() < (CLASSES + 3) as u32)
}

fn class_of(block: usize) -> usize {
    (block.trailing_zeros() as usize).wrapping_sub(3) & (TABLE - 1)
}

unsafe impl<P: Pages> GlobalAlloc for SizeClassHeap<P> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(block) = block_size(&layout) else {
            return null_mut();
        };
        // SAFETY: single-threaded, and no reference into the state outlives this call.
        let state = unsafe { &mut *self.state.get() };
        let class = class_of(block);
        let head = state.free[class];
        // A recycled block is only known to be 8-aligned; stricter requests take fresh
        // memory (Rust code here never asks for more than 8).
        if head != 0 && layout.align() <= MIN_BLOCK {
            // SAFETY: a free block holds the address of the next one.
            state.free[class] = unsafe { *(head as *const usize) };
            return head as *mut u8;
        }
        let mut start = (state.next + layout.align() - 1) & !(layout.align() - 1);
        if start + block > state.end {
            let Some(base) = self.pages.grow(block.div_ceil(PAGE) + 1) else {
                return null_mut();
            };
            let grown = base + (block.div_ceil(PAGE) + 1) * PAGE;
            if base != state.end {
                // Someone else grew memory in between: start over at the new pages.
                start = (base + layout.align() - 1) & !(layout.align() - 1);
            }
            state.end = grown;
        }
        state.next = start + block;
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(block) = block_size(&layout) else {
            return;
        };
        // SAFETY: as in `alloc`; the block is ours and at least 8 bytes, 8-aligned.
        let state = unsafe { &mut *self.state.get() };
        let class = class_of(block);
        unsafe { *(ptr as *mut usize) = state.free[class] };
        state.free[class] = ptr as usize;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `layout.align()` is a valid alignment already.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if block_size(&layout) == block_size(&new_layout) {
            return ptr;
        }
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            unsafe {
                ::core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::vec::Vec;

    /// Pages carved out of a leaked, page-aligned buffer; `foreign` pages in between
    /// simulate another user of `memory.grow`.
    struct Buffer {
        base: usize,
        used: RefCell<usize>,
        limit: usize,
        foreign: RefCell<usize>,
    }

    impl Buffer {
        fn new(pages: usize) -> Buffer {
            let bytes: &'static mut [u8] = Vec::leak(std::vec![0u8; (pages + 1) * PAGE]);
            let base = (bytes.as_ptr() as usize).div_ceil(PAGE) * PAGE;
            Buffer {
                base,
                used: RefCell::new(0),
                limit: pages,
                foreign: RefCell::new(0),
            }
        }
    }

    impl Pages for &Buffer {
        fn grow(&self, count: usize) -> Option<usize> {
            let mut used = self.used.borrow_mut();
            *used += core::mem::take(&mut *self.foreign.borrow_mut());
            if *used + count > self.limit {
                return None;
            }
            let at = self.base + *used * PAGE;
            *used += count;
            Some(at)
        }
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_recycled_by_class() {
        let buffer = Buffer::new(8);
        let heap = SizeClassHeap::new(&buffer);
        unsafe {
            let a = heap.alloc(layout(3, 1));
            let b = heap.alloc(layout(24, 8));
            let c = heap.alloc(layout(24, 8));
            assert!(!a.is_null() && !b.is_null() && !c.is_null());
            assert_eq!(a as usize % 8, 0);
            assert_eq!(b as usize % 8, 0);
            assert!(
                (b as usize).abs_diff(c as usize) >= 32,
                "24 bytes take a 32-byte block"
            );
            a.write_bytes(0xAA, 3);
            b.write_bytes(0xBB, 24);
            c.write_bytes(0xCC, 24);
            assert_eq!(*a, 0xAA);
            heap.dealloc(b, layout(24, 8));
            // Same class (17..=32 bytes): the freed block comes back; others do not.
            assert_eq!(heap.alloc(layout(30, 4)), b);
            let d = heap.alloc(layout(64, 8));
            assert!(d != b && d != c);
            assert_eq!(*c.add(23), 0xCC);
        }
    }

    #[test]
    fn strict_alignment_and_large_blocks_get_fresh_memory() {
        let buffer = Buffer::new(16);
        let heap = SizeClassHeap::new(&buffer);
        unsafe {
            let small = heap.alloc(layout(8, 8));
            heap.dealloc(small, layout(8, 8));
            let aligned = heap.alloc(layout(8, 64));
            assert_eq!(aligned as usize % 64, 0);
            let big = heap.alloc(layout(3 * PAGE, 8));
            assert!(!big.is_null());
            big.write_bytes(1, 3 * PAGE);
            // The big block does not overlap the small ones.
            assert!(
                big as usize >= aligned as usize + 64
                    || (big as usize) + 4 * PAGE <= small as usize
            );
        }
    }

    #[test]
    fn out_of_memory_and_oversized_requests_return_null() {
        let buffer = Buffer::new(2);
        let heap = SizeClassHeap::new(&buffer);
        unsafe {
            assert!(heap.alloc(layout(4 * PAGE, 8)).is_null());
            assert!(heap.alloc(layout(usize::MAX / 4, 8)).is_null());
            assert!(
                !heap.alloc(layout(100, 8)).is_null(),
                "small requests still work"
            );
        }
    }

    #[test]
    fn memory_grown_by_someone_else_is_skipped() {
        let buffer = Buffer::new(16);
        let heap = SizeClassHeap::new(&buffer);
        unsafe {
            let first = heap.alloc(layout(PAGE, 8));
            *buffer.foreign.borrow_mut() = 3;
            let second = heap.alloc(layout(2 * PAGE, 8));
            assert!(!second.is_null());
            assert!(second as usize >= first as usize + PAGE + 3 * PAGE);
        }
    }

    #[test]
    fn realloc_keeps_contents_and_stays_in_place_within_a_class() {
        let buffer = Buffer::new(8);
        let heap = SizeClassHeap::new(&buffer);
        unsafe {
            let p = heap.alloc(layout(20, 4));
            for i in 0..20 {
                *p.add(i) = i as u8;
            }
            assert_eq!(heap.realloc(p, layout(20, 4), 32), p);
            let q = heap.realloc(p, layout(32, 4), 100);
            assert_ne!(q, p);
            for i in 0..20 {
                assert_eq!(*q.add(i), i as u8);
            }
            // The old block went back to its free list.
            assert_eq!(heap.alloc(layout(32, 4)), p);
        }
    }
}
