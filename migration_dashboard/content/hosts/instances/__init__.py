"""Instance moves on a host's Instances tab: live and cold migration with
pre-flight findings, confirm/revert of a cold migration, start."""
