/* console.c -- the container's pty (see console.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "spec.h"
#include "utils.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

int
shim_console_parse_size (const char *s, struct shim_console_size_s *size)
{
  char *end = NULL;
  unsigned long rows, cols;

  rows = strtoul (s, &end, 10);
  if (end == s || *end != 'x')
    return -1;
  s = end + 1;
  cols = strtoul (s, &end, 10);
  if (end == s || *end != '\0' || rows > 65535 || cols > 65535)
    return -1;
  size->rows = (unsigned short)rows;
  size->cols = (unsigned short)cols;
  return 0;
}

int
shim_console_resize (int master_fd, unsigned short rows, unsigned short cols, shim_error_t *err)
{
  struct winsize ws = { .ws_row = rows, .ws_col = cols };

  if (ioctl (master_fd, TIOCSWINSZ, &ws) < 0)
    return shim_make_error (err, errno, "setting the terminal size to %ux%u", rows, cols);
  return 0;
}

static int
send_fd (int sock_fd, int fd, shim_error_t *err)
{
  char byte = 'T';
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof (u.buf) };
  struct cmsghdr *cmsg;
  ssize_t n;

  memset (u.buf, 0, sizeof (u.buf));
  cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));
  do
    n = sendmsg (sock_fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return shim_make_error (err, errno, "sending the terminal to the shim");
  return 0;
}

int
shim_console_receive (int sock_fd, shim_error_t *err)
{
  char byte;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof (u.buf) };
  struct cmsghdr *cmsg;
  ssize_t n;
  int fd;

  do
    n = recvmsg (sock_fd, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return shim_make_error (err, errno, "receiving the container's terminal");
  cmsg = CMSG_FIRSTHDR (&msg);
  if (n == 0 || cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS || cmsg->cmsg_len != CMSG_LEN (sizeof (int)))
    return shim_make_error (err, ECONNRESET, "the container process sent no terminal");
  memcpy (&fd, CMSG_DATA (cmsg), sizeof (int));
  return fd;
}

static void
initial_size (json_object *process, const struct shim_console_size_s *given, unsigned short *rows,
              unsigned short *cols)
{
  json_object *h = shim_spec_get (process, "consoleSize.height");
  json_object *w = shim_spec_get (process, "consoleSize.width");

  *rows = h ? (unsigned short)json_object_get_int (h) : 0;
  *cols = w ? (unsigned short)json_object_get_int (w) : 0;
  if (given && given->rows > 0 && given->cols > 0)
    {
      *rows = given->rows;
      *cols = given->cols;
    }
}

int
shim_console_setup (json_object *process, const struct shim_console_size_s *size, int sock_fd,
                    shim_error_t *err)
{
  cleanup_close int master = -1, slave = -1;
  json_object *uid = shim_spec_get (process, "user.uid");
  unsigned short rows, cols;
  int unlock = 0, i;

  master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return shim_make_error (err, errno, "open /dev/ptmx");
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return shim_make_error (err, errno, "unlocking the pty");
  slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return shim_make_error (err, errno, "opening the pty slave");
  /* the process user owns its terminal (runc's fixStdioPermissions); the group stays devpts' */
  if (uid && fchown (slave, (uid_t)json_object_get_int64 (uid), (gid_t)-1) < 0)
    return shim_make_error (err, errno, "chown of the pty slave");
  initial_size (process, size, &rows, &cols);
  if (rows > 0 && cols > 0 && shim_console_resize (master, rows, cols, err) < 0)
    return -1;
  if (setsid () < 0)
    return shim_make_error (err, errno, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return shim_make_error (err, errno, "making the pty the controlling terminal");
  for (i = 0; i <= 2; i++)
    if (dup2 (slave, i) < 0)
      return shim_make_error (err, errno, "terminal as stdio");
  if (send_fd (sock_fd, master, err) < 0)
    return -1;
  return 0;
}
