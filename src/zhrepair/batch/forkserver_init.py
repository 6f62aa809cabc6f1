"""Imported only in the worker pool's fork server (its preload), never elsewhere.

The fork server captures its signal handlers after its preload and gives them to every
worker it forks: ignoring Ctrl-C here means a worker ignores it from birth, not only
once its initializer runs. The parent process handles Ctrl-C and stops the workers.
"""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
