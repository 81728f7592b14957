"""Evacuation (guide section 5.9): rebuild the instances of a failed,
fenced compute host on other hosts, one instance or the whole host."""
