/**
 * PostgreSQL settings for the embedded database. A classroom's data is small, and every buffer here is
 * zeroed at start-up inside a WebAssembly heap that never shrinks, so each megabyte is resident for the
 * process's life. PGlite serves one connection, so PostgreSQL's 100 connection slots (lock tables,
 * process arrays) are sized down too. Measured with a bare `PGlite.create` on a 2-core Xeon: resident
 * memory after start-up 104 MB with 16 MB of shared buffers and 100 connection slots, 88 MB with these;
 * the 5,000-student benchmark's peak went from 305–318 MB to 285–289 MB with latencies unchanged.
 * Pages beyond the 4 MB of buffers come from the operating system's file cache.
 *
 * `wal_init_zero=off`: PostgreSQL fills each new 16 MB WAL segment with zeroes when it creates one,
 * and PGlite does that inside the statement that crossed into the segment, on the server's one thread,
 * through Emscripten's file system: ~96 ms for a bare PGlite on the 2-vCPU AMD EPYC VM of 2026-11-27,
 * 250–460 ms stalls of the event loop under the 5,000-student benchmark (every answer and frame
 * waiting). Off, only the segment's last byte is written (2 ms). Recovery reads WAL by its records'
 * checksums, not by zeroes, so nothing about durability changes (decision 0011).
 */
export const PGLITE_CONF = [
  'shared_buffers=4MB',
  'wal_buffers=512kB',
  'work_mem=4MB',
  'maintenance_work_mem=16MB',
  'temp_buffers=1MB',
  'max_connections=4',
  'wal_init_zero=off',
];
