"""The pure core of oneonone: it decides, adapters in ``integrations`` act.

Nothing in this package reads the clock, the disk, the network or the environment: every
function takes values (config, observed events, busy intervals, ``now``) and returns values.
"""
