//! The `calcium` binary: everything lives in the library, so tests can link it.

/// An import parses millions of short strings on its reader thread and frees them on the
/// writer's: glibc's malloc spent a third of a first import's CPU in that traffic (locks,
/// `malloc_consolidate`), mimalloc's per-thread heaps a fraction of it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    calcium_cli::main()
}
