"""The cyclic garbage collector held off while a bulk of long-lived objects is built.

Python's collector runs after every 700 new container objects and, every so often, walks every
object the process holds. Parsing the config builds hundreds of thousands of containers that
live until the parse ends (the YAML nodes, the raw models, the resolved pairs), so the collector
walks the growing heap again and again, finding nothing to free: at N=1,000, about 0.7 s of
the 1.9 s the config took to load. (Decoding the cached calendars gains nothing from it: the
decoded events are frozen and slotted, and the collector's share there is within the noise.)
Reference counting still frees what dies while the collector is off; only cycles wait for the
next collection, which runs as usual after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the block, and back on after it if it was on before.

    Threads share one collector: a block that starts while another one runs finds it off and
    leaves it to that block to switch back on, so it is never left off by this.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
