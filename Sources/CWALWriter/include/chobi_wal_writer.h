// CWALWriter: an SQLite VFS that writes each WAL commit with one write(2) instead of two per page.
//
// SQLite appends a commit to the write-ahead log frame by frame, a 24-byte frame header and then
// the page, each its own pwrite: a gift commit of ~40 pages was ~80 system calls, a fifth of the
// store's writer time. This VFS wraps the default one and, for WAL files only, gathers contiguous
// writes in memory and hands them to the real file in one write when the commit frame (the frame
// whose header carries the database size) is complete, before any other operation on the file
// (read, sync, truncate, size, lock, shared-memory barrier), when a write is not contiguous, and
// past a size bound.
//
// Why this keeps SQLite's guarantees: a commit becomes visible only when the writer publishes the
// new WAL index header in shared memory, which SQLite does after sqlite3WalFrames returned, i.e.
// after the commit frame was written, and that write is where the gathered bytes reach the file
// (an error there fails the commit as a failed pwrite would). A process killed while bytes are
// gathered leaves a WAL without that commit's frames: the same as dying before the commit.
#ifndef CHOBI_WAL_WRITER_H
#define CHOBI_WAL_WRITER_H

/// Registers the VFS "chobi-wal" over the current default VFS and makes it the default, once per
/// process (later calls return the first result). Call before opening connections: those opened
/// earlier keep the VFS they opened with. Returns SQLITE_OK or SQLite's error code.
int chobi_wal_writer_install(void);

/// Writes the VFS was given on WAL handles, and write calls it passed to the underlying files, on
/// the calling thread since it started (for tests: the ratio is the point).
void chobi_wal_writer_thread_counts(long long *writesGiven, long long *writesMade);

#endif
