"""Run a command and write its peak RSS (KiB) and CPU seconds (user + system, with those of the
processes it waited for) to $PEAK_FILE. A process forked straight from the
big benchmark process would report that parent's size (Linux carries the high-water mark across
fork and exec); this launcher is small, so its child's figure is the child's own."""
import os
import sys

pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
with open(os.environ["PEAK_FILE"], "w") as f:
    f.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
