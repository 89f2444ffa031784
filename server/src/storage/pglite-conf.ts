/**
 * PostgreSQL settings for the embedded database. A classroom's data is small, and every buffer here is
 * zeroed at start-up inside a WebAssembly heap that never shrinks, so each megabyte is resident for the
 * process's life. PGlite serves one connection, so PostgreSQL's 100 connection slots (lock tables,
 * process arrays) are sized down too. Measured with a bare `PGlite.create` on a 2-core Xeon: resident
 * memory after start-up 104 MB with 16 MB of shared buffers and 100 connection slots, 88 MB with these;
 * the 5,000-student benchmark's peak went from 305–318 MB to 285–289 MB with latencies unchanged.
 * Pages beyond the 4 MB of buffers come from the operating system's file cache.
 */
export const PGLITE_CONF = [
  'shared_buffers=4MB',
  'wal_buffers=512kB',
  'work_mem=4MB',
  'maintenance_work_mem=16MB',
  'temp_buffers=1MB',
  'max_connections=4',
];
