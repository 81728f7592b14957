"""Evacuation: rebuild the instances of a failed, fenced compute host on
other hosts, one instance or the whole host (Nova's "evacuate" procedure:
only from a host whose compute service is down or forced down)."""
