/*
 * berth-syscalls: a long-lived helper that makes the few system calls berthd
 * needs on its hot paths — mount(2), umount2(2), lgetxattr(2), syncfs(2) —
 * without a process spawn each (client: src/sys/syscall-helper.ts).
 *
 * Why a helper at all: Node cannot make these calls, and spawning mount(8),
 * umount(8), sync(1) or berth-fsutil per call forks the whole daemon (~150 MB
 * of address space; ~1.3 ms of it blocks the event loop) and costs 7-12 ms of
 * wall time on a busy 2-core host. This process is tiny: a fork here takes
 * ~0.1 ms.
 *
 *     berth-syscalls serve      requests on stdin, answers on stdout
 *
 * Each request is handled in a forked child, so that
 *   - the child may chdir() privately: overlay lowerdirs are short relative
 *     paths resolved against the mounting process's cwd (the 4096-byte mount
 *     option page, see src/store/snapshots/overlay-options.ts);
 *   - a slow call (umount of an overlay syncs its upper fs; syncfs) never
 *     holds up the others: answers come back in completion order, matched
 *     by request id.
 * The child writes its whole answer in ONE write() of at most PIPE_BUF
 * bytes and _exits. On a pipe that write is atomic; Node's stdio "pipe" is an
 * AF_UNIX stream socketpair, where unix_stream_sendmsg queues a write this
 * small as one skb (it splits only above sk_sndbuf/2), so answers from
 * concurrent children never interleave either. SIGCHLD is ignored: the
 * kernel reaps the children.
 *
 * Framing (all integers little-endian u32 unless noted):
 *
 *   request:  LEN ID BODY          BODY is LEN bytes: OP\0 FIELD\0 FIELD\0 …
 *             mount     CWD SOURCE FSTYPE FLAGS DATA TARGET   (6 fields)
 *             umount    TARGET FLAGS                          (2 fields)
 *             lgetxattr PATH NAME                             (2 fields)
 *             syncfs    PATH                                  (1 field)
 *             ping                                            (0 fields)
 *             CWD "" = no chdir; DATA "" = NULL; FLAGS decimal.
 *   answer:   ID ERRNO(i32) PLEN PAYLOAD
 *             ERRNO 0: PAYLOAD is the xattr value (lgetxattr) or empty.
 *             ERRNO>0: PAYLOAD names the failing call ("mount", "chdir", …,
 *             or "request" for a malformed or oversized record).
 *
 * A record longer than MAX_BODY is read and discarded and answered with
 * E2BIG; a malformed one with EINVAL. Neither stops the helper. It exits when
 * stdin reaches EOF, and PR_SET_PDEATHSIG kills it if berthd dies first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Four paths (PATH_MAX each) and a page of mount data, with room to spare. */
#define MAX_BODY (64 * 1024)
/* The kernel copies one page of mount data (copy_mount_options). */
#define MAX_MOUNT_DATA 4095
#define ANSWER_HEADER 12
#define MAX_PAYLOAD (PIPE_BUF - ANSWER_HEADER)
#define MAX_FIELDS 7

static unsigned char body[MAX_BODY + 1];

static void put_u32(unsigned char *p, uint32_t v) {
    p[0] = v & 0xff;
    p[1] = (v >> 8) & 0xff;
    p[2] = (v >> 16) & 0xff;
    p[3] = (v >> 24) & 0xff;
}

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One write() of the whole answer: atomic with respect to the other children's. */
static void answer(uint32_t id, int err, const void *payload, size_t n) {
    unsigned char buf[PIPE_BUF];
    if (n > MAX_PAYLOAD) n = MAX_PAYLOAD;
    put_u32(buf, id);
    put_u32(buf + 4, (uint32_t)err);
    put_u32(buf + 8, (uint32_t)n);
    if (n) memcpy(buf + ANSWER_HEADER, payload, n);
    ssize_t w;
    do w = write(STDOUT_FILENO, buf, ANSWER_HEADER + n);
    while (w < 0 && errno == EINTR);
}

static void answer_error(uint32_t id, int err, const char *call) {
    answer(id, err, call, strlen(call));
}

static int read_full(int fd, unsigned char *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1; /* EOF or error: the client is gone */
        got += (size_t)r;
    }
    return 0;
}

static int discard(int fd, size_t n) {
    unsigned char scratch[4096];
    while (n > 0) {
        size_t chunk = n < sizeof scratch ? n : sizeof scratch;
        if (read_full(fd, scratch, chunk) != 0) return -1;
        n -= chunk;
    }
    return 0;
}

static int parse_flags(const char *s, unsigned long *out) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *s == '\0' || *end != '\0') return -1;
    *out = v;
    return 0;
}

static void do_mount(uint32_t id, char **f) {
    unsigned long flags;
    if (parse_flags(f[3], &flags) != 0 || strlen(f[4]) > MAX_MOUNT_DATA) return answer_error(id, EINVAL, "request");
    if (f[0][0] != '\0' && chdir(f[0]) != 0) return answer_error(id, errno, "chdir");
    if (mount(f[1], f[5], f[2], flags, f[4][0] != '\0' ? f[4] : NULL) != 0) return answer_error(id, errno, "mount");
    answer(id, 0, NULL, 0);
}

static void do_umount(uint32_t id, char **f) {
    unsigned long flags;
    if (parse_flags(f[1], &flags) != 0 || flags > INT_MAX) return answer_error(id, EINVAL, "request");
    if (umount2(f[0], (int)flags) != 0) return answer_error(id, errno, "umount2");
    answer(id, 0, NULL, 0);
}

static void do_lgetxattr(uint32_t id, char **f) {
    unsigned char value[MAX_PAYLOAD];
    ssize_t n = lgetxattr(f[0], f[1], value, sizeof value);
    if (n < 0) return answer_error(id, errno == ERANGE ? E2BIG : errno, "lgetxattr");
    answer(id, 0, value, (size_t)n);
}

static void do_syncfs(uint32_t id, char **f) {
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; syncfs ignores it. */
    int fd = open(f[0], O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return answer_error(id, errno, "open");
    if (syncfs(fd) != 0) return answer_error(id, errno, "syncfs");
    close(fd);
    answer(id, 0, NULL, 0);
}

static const struct {
    const char *name;
    int nfields;
    void (*fn)(uint32_t, char **);
} ops[] = {
    {"mount", 6, do_mount},
    {"umount", 2, do_umount},
    {"lgetxattr", 2, do_lgetxattr},
    {"syncfs", 1, do_syncfs},
    {"ping", 0, NULL},
};

/* Runs in the forked child: split BODY at its NULs, check the field count, call. */
static void handle(uint32_t id, unsigned char *b, size_t len) {
    char *fields[MAX_FIELDS + 1];
    int nf = 0;
    if (len == 0 || b[len - 1] != '\0') return answer_error(id, EINVAL, "request");
    for (size_t start = 0; start < len;) {
        if (nf > MAX_FIELDS) return answer_error(id, EINVAL, "request");
        fields[nf++] = (char *)b + start;
        start += strlen((char *)b + start) + 1;
    }
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(fields[0], ops[i].name) != 0) continue;
        if (nf - 1 != ops[i].nfields) return answer_error(id, EINVAL, "request");
        if (ops[i].fn == NULL) return answer(id, 0, NULL, 0);
        return ops[i].fn(id, fields + 1);
    }
    answer_error(id, ENOSYS, "request");
}

static int serve(void) {
    /* Never outlive berthd, even if it is SIGKILLed (stdin EOF covers the rest). */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() == 1) return 1;
    signal(SIGCHLD, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        unsigned char header[8];
        if (read_full(STDIN_FILENO, header, sizeof header) != 0) return 0;
        uint32_t len = get_u32(header), id = get_u32(header + 4);
        if (len > MAX_BODY) {
            if (discard(STDIN_FILENO, len) != 0) return 0;
            answer_error(id, E2BIG, "request");
            continue;
        }
        if (read_full(STDIN_FILENO, body, len) != 0) return 0;
        pid_t pid = fork();
        if (pid < 0) {
            answer_error(id, errno, "fork");
        } else if (pid == 0) {
            handle(id, body, len);
            _exit(0);
        }
    }
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "serve") == 0) return serve();
    fprintf(stderr, "usage: berth-syscalls serve   (requests on stdin; see the source's header)\n");
    return 2;
}
