// See include/chobi_wal_writer.h for what this does and why it is safe.
#include "chobi_wal_writer.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

// A frame header (page number, database size after commit or 0, salts, checksums); SQLite writes
// it with a call of its own, then the page.
#define WAL_FRAME_HEADER_SIZE 24
// Gathered bytes are written once they would pass this (a large transaction's frames, a spill).
#define GATHER_LIMIT (4 << 20)
// The unix VFS writes at most 0x1ffff bytes per call (it masks the length to 17 bits: SQLite never
// writes more than a 64 KiB page and its header at once), so gathered bytes go in chunks of this.
#define WRITE_CHUNK (120 << 10)

typedef struct {
    sqlite3_file base;
    sqlite3_file *real;        // the wrapped file, in the memory right after this struct
    unsigned char *gathered;   // bytes written but not yet passed on, for [start, start + length)
    sqlite3_int64 start;
    int length;
    int capacity;
    int commitFrameNext;       // the last write was a commit frame's header: its page ends the commit
} WALFile;

static sqlite3_vfs *root;
static sqlite3_vfs vfs;
static sqlite3_io_methods methods;
// Per thread: a connection's writes happen on the thread running its statement, so a test reads
// its own connection's figures while other connections write elsewhere in the process.
static _Thread_local long long writesGiven, writesMade;

static size_t realOffset(void) { return (sizeof(WALFile) + 7) & ~(size_t)7; }

static int writeThrough(WALFile *f, const unsigned char *bytes, int amount, sqlite3_int64 offset) {
    for (int done = 0; done < amount;) {
        int chunk = amount - done < WRITE_CHUNK ? amount - done : WRITE_CHUNK;
        writesMade++;
        int rc = f->real->pMethods->xWrite(f->real, bytes + done, chunk, offset + done);
        if (rc != SQLITE_OK) return rc;
        done += chunk;
    }
    return SQLITE_OK;
}

static int flush(WALFile *f) {
    if (f->length == 0) return SQLITE_OK;
    int length = f->length;
    f->length = 0;
    return writeThrough(f, f->gathered, length, f->start);
}

static int grow(WALFile *f, int needed) {
    if (needed <= f->capacity) return SQLITE_OK;
    int capacity = f->capacity ? f->capacity : 64 << 10;
    while (capacity < needed) capacity *= 2;
    unsigned char *bytes = sqlite3_realloc(f->gathered, capacity);
    if (!bytes) return SQLITE_NOMEM;
    f->gathered = bytes;
    f->capacity = capacity;
    return SQLITE_OK;
}

static int walWrite(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    WALFile *f = (WALFile *)file;
    writesGiven++;
    int rc;
    if (f->length > 0 && (offset != f->start + f->length || f->length + amount > GATHER_LIMIT)) {
        if ((rc = flush(f)) != SQLITE_OK) return rc;
    }
    if (amount > GATHER_LIMIT) return writeThrough(f, data, amount, offset);
    if ((rc = grow(f, f->length + amount)) != SQLITE_OK) {
        // No memory to gather in: write through, as SQLite would have.
        if ((rc = flush(f)) != SQLITE_OK) return rc;
        return writeThrough(f, data, amount, offset);
    }
    if (f->length == 0) f->start = offset;
    memcpy(f->gathered + f->length, data, amount);
    f->length += amount;
    if (f->commitFrameNext) {
        f->commitFrameNext = 0;
        return flush(f);
    }
    if (amount == WAL_FRAME_HEADER_SIZE) {
        const unsigned char *h = data;
        f->commitFrameNext = (h[4] | h[5] | h[6] | h[7]) != 0;
    }
    return SQLITE_OK;
}

// Every other operation sees the file as SQLite wrote it: gathered bytes go first.
#define REAL(f) (((WALFile *)(f))->real)
#define FLUSH_OR_RETURN(f) do { int rc_ = flush((WALFile *)(f)); if (rc_ != SQLITE_OK) return rc_; } while (0)

static int walClose(sqlite3_file *file) {
    WALFile *f = (WALFile *)file;
    int flushed = flush(f);
    int rc = f->real->pMethods->xClose(f->real);
    sqlite3_free(f->gathered);
    f->gathered = NULL;
    f->capacity = 0;
    return flushed != SQLITE_OK ? flushed : rc;
}
static int walRead(sqlite3_file *f, void *data, int amount, sqlite3_int64 offset) {
    FLUSH_OR_RETURN(f);
    return REAL(f)->pMethods->xRead(REAL(f), data, amount, offset);
}
static int walTruncate(sqlite3_file *f, sqlite3_int64 size) {
    FLUSH_OR_RETURN(f);
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int walSync(sqlite3_file *f, int flags) {
    FLUSH_OR_RETURN(f);
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int walFileSize(sqlite3_file *f, sqlite3_int64 *size) {
    FLUSH_OR_RETURN(f);
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int walLock(sqlite3_file *f, int level) {
    FLUSH_OR_RETURN(f);
    return REAL(f)->pMethods->xLock(REAL(f), level);
}
static int walUnlock(sqlite3_file *f, int level) {
    FLUSH_OR_RETURN(f);
    return REAL(f)->pMethods->xUnlock(REAL(f), level);
}
static int walCheckReservedLock(sqlite3_file *f, int *out) {
    FLUSH_OR_RETURN(f);
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int walFileControl(sqlite3_file *f, int op, void *arg) {
    FLUSH_OR_RETURN(f);
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int walSectorSize(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int walDeviceCharacteristics(sqlite3_file *f) {
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int walShmMap(sqlite3_file *f, int page, int size, int extend, void volatile **out) {
    FLUSH_OR_RETURN(f);
    return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, out);
}
static int walShmLock(sqlite3_file *f, int offset, int n, int flags) {
    FLUSH_OR_RETURN(f);
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void walShmBarrier(sqlite3_file *f) {
    // The index header is published after a barrier: nothing it points at may still be gathered.
    // The commit frame's write flushed already; an error here would have failed that write.
    (void)flush((WALFile *)f);
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int walShmUnmap(sqlite3_file *f, int deleteFlag) {
    FLUSH_OR_RETURN(f);
    return REAL(f)->pMethods->xShmUnmap(REAL(f), deleteFlag);
}
static int walFetch(sqlite3_file *f, sqlite3_int64 offset, int amount, void **out) {
    FLUSH_OR_RETURN(f);
    return REAL(f)->pMethods->xFetch(REAL(f), offset, amount, out);
}
static int walUnfetch(sqlite3_file *f, sqlite3_int64 offset, void *page) {
    FLUSH_OR_RETURN(f);
    return REAL(f)->pMethods->xUnfetch(REAL(f), offset, page);
}

static int vfsOpen(sqlite3_vfs *self, const char *name, sqlite3_file *file, int flags, int *outFlags) {
    (void)self;
    // Only the write-ahead log is wrapped; every other file is the root VFS's own, untouched.
    if (!(flags & SQLITE_OPEN_WAL)) return root->xOpen(root, name, file, flags, outFlags);
    WALFile *f = (WALFile *)file;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)((char *)file + realOffset());
    int rc = root->xOpen(root, name, f->real, flags, outFlags);
    if (rc != SQLITE_OK || !f->real->pMethods || f->real->pMethods->iVersion < 3) {
        if (rc == SQLITE_OK) {
            f->real->pMethods->xClose(f->real);
            rc = SQLITE_CANTOPEN;
        }
        f->base.pMethods = NULL;
        return rc;
    }
    f->base.pMethods = &methods;
    return SQLITE_OK;
}

static int vfsDelete(sqlite3_vfs *v, const char *name, int syncDir) { (void)v; return root->xDelete(root, name, syncDir); }
static int vfsAccess(sqlite3_vfs *v, const char *name, int flags, int *out) {
    (void)v;
    return root->xAccess(root, name, flags, out);
}
static int vfsFullPathname(sqlite3_vfs *v, const char *name, int n, char *out) {
    (void)v;
    return root->xFullPathname(root, name, n, out);
}
static void *vfsDlOpen(sqlite3_vfs *v, const char *name) { (void)v; return root->xDlOpen(root, name); }
static void vfsDlError(sqlite3_vfs *v, int n, char *out) { (void)v; root->xDlError(root, n, out); }
static void (*vfsDlSym(sqlite3_vfs *v, void *handle, const char *symbol))(void) {
    (void)v;
    return root->xDlSym(root, handle, symbol);
}
static void vfsDlClose(sqlite3_vfs *v, void *handle) { (void)v; root->xDlClose(root, handle); }
static int vfsRandomness(sqlite3_vfs *v, int n, char *out) { (void)v; return root->xRandomness(root, n, out); }
static int vfsSleep(sqlite3_vfs *v, int micros) { (void)v; return root->xSleep(root, micros); }
static int vfsCurrentTime(sqlite3_vfs *v, double *out) { (void)v; return root->xCurrentTime(root, out); }
static int vfsGetLastError(sqlite3_vfs *v, int n, char *out) { (void)v; return root->xGetLastError(root, n, out); }
static int vfsCurrentTimeInt64(sqlite3_vfs *v, sqlite3_int64 *out) {
    (void)v;
    return root->xCurrentTimeInt64(root, out);
}

static int installResult = SQLITE_ERROR;
static pthread_once_t installOnce = PTHREAD_ONCE_INIT;

static void install(void) {
    root = sqlite3_vfs_find(NULL);
    // The wrapper forwards version-3 methods (shared memory, mmap); anything older is left alone.
    if (!root || root->iVersion < 2 || !root->xCurrentTimeInt64) {
        installResult = SQLITE_ERROR;
        return;
    }
    methods = (sqlite3_io_methods){
        .iVersion = 3,
        .xClose = walClose, .xRead = walRead, .xWrite = walWrite, .xTruncate = walTruncate,
        .xSync = walSync, .xFileSize = walFileSize, .xLock = walLock, .xUnlock = walUnlock,
        .xCheckReservedLock = walCheckReservedLock, .xFileControl = walFileControl,
        .xSectorSize = walSectorSize, .xDeviceCharacteristics = walDeviceCharacteristics,
        .xShmMap = walShmMap, .xShmLock = walShmLock, .xShmBarrier = walShmBarrier,
        .xShmUnmap = walShmUnmap, .xFetch = walFetch, .xUnfetch = walUnfetch,
    };
    int wrapped = (int)(realOffset() + (size_t)root->szOsFile);
    vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = wrapped > root->szOsFile ? wrapped : root->szOsFile,
        .mxPathname = root->mxPathname,
        .zName = "chobi-wal",
        .xOpen = vfsOpen, .xDelete = vfsDelete, .xAccess = vfsAccess, .xFullPathname = vfsFullPathname,
        .xDlOpen = vfsDlOpen, .xDlError = vfsDlError, .xDlSym = vfsDlSym, .xDlClose = vfsDlClose,
        .xRandomness = vfsRandomness, .xSleep = vfsSleep, .xCurrentTime = vfsCurrentTime,
        .xGetLastError = vfsGetLastError, .xCurrentTimeInt64 = vfsCurrentTimeInt64,
    };
    installResult = sqlite3_vfs_register(&vfs, 1);
}

int chobi_wal_writer_install(void) {
    pthread_once(&installOnce, install);
    return installResult;
}

void chobi_wal_writer_thread_counts(long long *given, long long *made) {
    *given = writesGiven;
    *made = writesMade;
}
