#pragma once
// How the process's allocator treats the large, short-lived buffers of
// training and explanation (activations and gradients of a few hundred KiB to
// a few MiB, made and freed every step).

namespace jobs {

// By default glibc serves every block above 128 KiB by a fresh mmap and
// returns it at free, so each step pays page faults to zero the same memory
// again (a quarter of a small encoder's training step on 2 cores). This
// keeps blocks of up to 32 MiB on the heap and up to 256 MiB of freed heap
// for reuse. Called once at the start of main; a no-op elsewhere than glibc.
void keep_freed_memory_for_reuse();

}  // namespace jobs
