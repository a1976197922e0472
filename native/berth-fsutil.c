/*
 * berth-fsutil: the file-system calls Node.js cannot make — mknod (device
 * nodes, fifos, overlay whiteouts) and extended attributes (lsetxattr,
 * lgetxattr) — for layer unpack (src/archive/fsutil.ts).
 *
 * Batch mode, used by unpack: one process per layer, however many entries.
 *
 *     berth-fsutil batch  < records
 *
 *   stdin is a sequence of records; every field is NUL-terminated and each
 *   record has a fixed number of fields after its command name:
 *
 *     mknod     PATH MODE MAJOR MINOR UID GID ATIME MTIME   (9 fields)
 *     lsetxattr PATH NAME HEXVALUE                          (4 fields)
 *
 *   MODE is octal and includes the file type bits (S_IFCHR, S_IFBLK,
 *   S_IFIFO); ATIME/MTIME are "SEC.NSEC" or "-" (leave as created). mknod is
 *   followed by lchown, chmod of the permission bits (chown clears setuid),
 *   and utimensat(AT_SYMLINK_NOFOLLOW). Records run in order; the first
 *   failure stops the batch: a message on stderr and exit status 1.
 *   Nothing is written to stdout on success.
 *
 * One-shot mode, for tests and debugging:
 *
 *     berth-fsutil lgetxattr PATH NAME     → hex value on stdout; exit 3 if not set
 *     berth-fsutil lsetxattr PATH NAME HEX
 *     berth-fsutil mknod PATH MODE MAJOR MINOR
 *
 * No call here follows a symlink in the final component (mknod, lchown,
 * lsetxattr, lgetxattr, utimensat with AT_SYMLINK_NOFOLLOW); the caller
 * guarantees that parent directories are not symlinks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MAX_FIELDS 9

static int fail(const char *op, const char *path, int err) {
    fprintf(stderr, "berth-fsutil: %s %s: %s\n", op, path, strerror(err));
    return 1;
}

static int parse_ulong(const char *s, int base, unsigned long *out) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, base);
    if (errno || *s == '\0' || *end != '\0') return -1;
    *out = v;
    return 0;
}

static int parse_time(const char *s, struct timespec *ts) {
    if (strcmp(s, "-") == 0) {
        ts->tv_sec = 0;
        ts->tv_nsec = UTIME_OMIT;
        return 0;
    }
    char *end;
    errno = 0;
    long long sec = strtoll(s, &end, 10);
    long nsec = 0;
    if (errno || end == s) return -1;
    if (*end == '.') {
        const char *p = end + 1;
        int digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 9) nsec = nsec * 10 + (*p++ - '0'), digits++;
        while (digits++ < 9) nsec *= 10;
        while (*p >= '0' && *p <= '9') p++;
        end = (char *)p;
    }
    if (*end != '\0') return -1;
    ts->tv_sec = (time_t)sec;
    ts->tv_nsec = nsec;
    return 0;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes hex in place; returns the byte length or -1. */
static ssize_t unhex(char *s) {
    size_t n = strlen(s);
    if (n % 2) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        s[i] = (char)(hi * 16 + lo);
    }
    return (ssize_t)(n / 2);
}

/* f: path mode major minor [uid gid atime mtime] */
static int do_mknod(char **f, int nf) {
    unsigned long mode, major, minor, uid = 0, gid = 0;
    struct timespec ts[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
    if (parse_ulong(f[1], 8, &mode) || parse_ulong(f[2], 10, &major) || parse_ulong(f[3], 10, &minor))
        return fail("mknod", f[0], EINVAL);
    if (nf >= 8 && (parse_ulong(f[4], 10, &uid) || parse_ulong(f[5], 10, &gid) || parse_time(f[6], &ts[0]) ||
                    parse_time(f[7], &ts[1])))
        return fail("mknod", f[0], EINVAL);
    if (mknod(f[0], (mode_t)mode, makedev(major, minor)) != 0) return fail("mknod", f[0], errno);
    if (nf >= 8) {
        if (lchown(f[0], (uid_t)uid, (gid_t)gid) != 0) return fail("lchown", f[0], errno);
        if (fchmodat(AT_FDCWD, f[0], (mode_t)(mode & 07777), 0) != 0) return fail("chmod", f[0], errno);
        if (utimensat(AT_FDCWD, f[0], ts, AT_SYMLINK_NOFOLLOW) != 0) return fail("utimensat", f[0], errno);
    }
    return 0;
}

/* f: path name hexvalue */
static int do_lsetxattr(char **f) {
    ssize_t n = unhex(f[2]);
    if (n < 0) return fail("lsetxattr", f[0], EINVAL);
    if (lsetxattr(f[0], f[1], f[2], (size_t)n, 0) != 0) return fail("lsetxattr", f[0], errno);
    return 0;
}

/* f: path name; prints the value as hex */
static int do_lgetxattr(char **f) {
    ssize_t n = lgetxattr(f[0], f[1], NULL, 0);
    if (n < 0) {
        int err = errno;
        fail("lgetxattr", f[0], err);
        return err == ENODATA || err == ENOTSUP ? 3 : 1;
    }
    unsigned char *buf = malloc((size_t)n + 1);
    if (!buf) return fail("lgetxattr", f[0], ENOMEM);
    n = lgetxattr(f[0], f[1], buf, (size_t)n);
    if (n < 0) return fail("lgetxattr", f[0], errno);
    for (ssize_t i = 0; i < n; i++) printf("%02x", buf[i]);
    printf("\n");
    free(buf);
    return 0;
}

/* Reads one NUL-terminated field; returns 0 on EOF before any byte. */
static int read_field(char **buf, size_t *cap, FILE *in) {
    ssize_t n = getdelim(buf, cap, '\0', in);
    if (n <= 0) return 0;
    if ((*buf)[n - 1] != '\0') return -1; /* truncated final field */
    return 1;
}

static int batch(void) {
    char *fields[MAX_FIELDS + 1] = {0};
    size_t caps[MAX_FIELDS + 1] = {0};
    for (;;) {
        int r = read_field(&fields[0], &caps[0], stdin);
        if (r == 0) return 0;
        if (r < 0) return fail("batch", "(stdin)", EINVAL);
        int want;
        if (strcmp(fields[0], "mknod") == 0) want = 8;
        else if (strcmp(fields[0], "lsetxattr") == 0) want = 3;
        else return fail("batch", fields[0], ENOSYS);
        for (int i = 1; i <= want; i++)
            if (read_field(&fields[i], &caps[i], stdin) != 1) return fail(fields[0], "(truncated record)", EINVAL);
        int rc = want == 8 ? do_mknod(fields + 1, 8) : do_lsetxattr(fields + 1);
        if (rc) return rc;
    }
}

int main(int argc, char **argv) {
    umask(0);
    if (argc == 2 && strcmp(argv[1], "batch") == 0) return batch();
    if (argc == 4 && strcmp(argv[1], "lgetxattr") == 0) return do_lgetxattr(argv + 2);
    if (argc == 5 && strcmp(argv[1], "lsetxattr") == 0) return do_lsetxattr(argv + 2);
    if (argc == 6 && strcmp(argv[1], "mknod") == 0) return do_mknod(argv + 2, 4);
    fprintf(stderr,
            "usage: berth-fsutil batch < records\n"
            "       berth-fsutil lgetxattr PATH NAME\n"
            "       berth-fsutil lsetxattr PATH NAME HEXVALUE\n"
            "       berth-fsutil mknod PATH OCTALMODE MAJOR MINOR\n");
    return 2;
}
