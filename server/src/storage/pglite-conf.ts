/**
 * PostgreSQL settings for the embedded database. A classroom's data is small; PostgreSQL's default
 * 128 MB of shared buffers would only inflate the process (a WebAssembly heap never shrinks).
 */
export const PGLITE_CONF = [
  'shared_buffers=16MB',
  'wal_buffers=1MB',
  'work_mem=4MB',
  'maintenance_work_mem=16MB',
  'temp_buffers=2MB',
];
