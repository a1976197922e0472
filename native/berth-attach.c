/*
 * berth-attach — stdin client for conmon's attach socket.
 *
 * Usage: berth-attach SOCKET_PATH
 *
 * conmon (2.1) listens on a SOCK_SEQPACKET unix socket, <socket-dir-path>/<cuuid>/attach
 * (the <cuuid> entry is a symlink conmon makes to the bundle directory, so the
 * path stays short). Node's `net` module cannot open SOCK_SEQPACKET, hence this
 * helper. Lifecycle:
 *
 *   connect → copy our stdin into the socket (each read() becomes one packet,
 *   conmon writes it to the container's stdin pipe) → on stdin EOF,
 *   shutdown(SHUT_WR) and exit → conmon sees the client go away and, unless it
 *   was started with --leave-stdin-open, closes the container's stdin, so
 *   `cat` in the container sees EOF.
 *
 * conmon also sends the container's output to every attach client (packets of
 * one stream-id byte + data). berth reads output from conmon's log file
 * instead, so this helper reads and drops those packets; it must keep reading
 * so that conmon never finds the socket buffer full.
 *
 * sun_path holds 108 bytes; to accept longer paths we chdir() into the
 * socket's directory and connect to the relative name.
 *
 * Once connected it prints "ready\n" on stdout so the caller knows that what it
 * writes next reaches the container.
 *
 * Exit status: 0 on clean EOF, 1 on connect/IO failure (message on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define BUF_SIZE 8192

static int connect_attach(const char *path) {
  char dir[4096];
  const char *base = path;
  const char *slash = strrchr(path, '/');
  if (slash != NULL) {
    size_t n = (size_t)(slash - path);
    if (n == 0) n = 1; /* "/attach" */
    if (n >= sizeof dir) {
      fprintf(stderr, "berth-attach: path too long: %s\n", path);
      return -1;
    }
    memcpy(dir, path, n);
    dir[n] = '\0';
    if (chdir(dir) != 0) {
      fprintf(stderr, "berth-attach: chdir %s: %s\n", dir, strerror(errno));
      return -1;
    }
    base = slash + 1;
  }
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (strlen(base) >= sizeof addr.sun_path) {
    fprintf(stderr, "berth-attach: socket name too long: %s\n", base);
    return -1;
  }
  strcpy(addr.sun_path, base);
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    fprintf(stderr, "berth-attach: socket: %s\n", strerror(errno));
    return -1;
  }
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    fprintf(stderr, "berth-attach: connect %s: %s\n", path, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

static int write_all(int fd, const char *buf, size_t len) {
  /* One packet per write: SOCK_SEQPACKET never splits a send, so either all
   * of it goes or an error does. */
  while (len > 0) {
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Half-close so conmon sees the end of input and closes the container's
 * stdin, then read until conmon closes: closing a unix socket that still has
 * unread packets (output conmon copies to every attach client) resets the
 * connection, conmon's read() fails instead of returning 0, and the container
 * never sees EOF (seen here as `… | docker run -i … cat` hanging). */
static void drain_and_close(int sock) {
  char buf[BUF_SIZE];
  shutdown(sock, SHUT_WR);
  for (;;) {
    ssize_t r = recv(sock, buf, sizeof buf, 0);
    if (r == 0) break;
    if (r < 0 && errno != EINTR) break;
  }
  close(sock);
}

int main(int argc, char **argv) {
  int hangup = argc == 3 && strcmp(argv[1], "--hangup") == 0;
  if (argc != 2 && !hangup) {
    fprintf(stderr, "usage: berth-attach [--hangup] SOCKET_PATH\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  int sock = connect_attach(argv[argc - 1]);
  if (sock < 0) return 1;
  if (hangup) {
    /* Only to make conmon close its end of the container's stdin pipe. */
    if (write(STDOUT_FILENO, "ready\n", 6) != 6) { /* parent gone */ }
    drain_and_close(sock);
    return 0;
  }
  /* Tell the parent the connection is up (it waits for this line), then
   * stdout is no longer used. */
  if (write(STDOUT_FILENO, "ready\n", 6) != 6) { /* parent gone: carry on */ }

  char buf[BUF_SIZE + 1];
  struct pollfd fds[2] = {
      {.fd = STDIN_FILENO, .events = POLLIN},
      {.fd = sock, .events = POLLIN},
  };
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "berth-attach: poll: %s\n", strerror(errno));
      return 1;
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      /* Output packets from conmon: drop them. 0 = conmon went away. */
      ssize_t n = recv(sock, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        /* The container (or conmon) is gone; nothing left to write to. */
        return 0;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(STDIN_FILENO, buf, BUF_SIZE);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        fprintf(stderr, "berth-attach: read stdin: %s\n", strerror(errno));
        return 1;
      }
      if (n == 0) {
        /* EOF: half-close so conmon sees end of input and closes the
         * container's stdin. Then keep reading until conmon closes: closing a
         * unix socket that still has unread packets (container output conmon
         * copies to every attach client) resets the connection, conmon's
         * read() then fails instead of returning 0, and the container never
         * sees EOF (seen here: `printf x | docker run -i … cat` hanging). */
        drain_and_close(sock);
        return 0;
      }
      if (write_all(sock, buf, (size_t)n) != 0) {
        fprintf(stderr, "berth-attach: send: %s\n", strerror(errno));
        return 1;
      }
    }
  }
}
