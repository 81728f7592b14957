"""Drain a host for maintenance: disable it, plan every instance's move
(core/planning.py), dry run, submit through the bounded pool, track the
moves until the host is empty (from Nova only), and move the instances
back once the maintenance is over."""
