/* The smallest useful /init for the reference boot: report the guest's
 * uptime when userspace starts, then power off. Static, no libraries. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(void) {
  char buf[64] = {0};
  mount("proc", "/proc", "proc", 0, 0);
  int fd = open("/proc/uptime", O_RDONLY);
  if (fd >= 0 && read(fd, buf, sizeof buf - 1) > 0) {
    int con = open("/dev/console", O_WRONLY);
    dprintf(con >= 0 ? con : 1, "MIN-INIT uptime=%s", buf);
  }
  reboot(RB_POWER_OFF);
  return 0;
}
