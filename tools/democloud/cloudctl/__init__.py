"""The democloud's code, by subject.

Stdlib only (run by the system python3 through democloud.py): settings,
procs, health, install, config, services, lifecycle, faults, cli.
Run by the cloud venv's python through cloudops.py (they import
keystoneauth1/novaclient): clients, bulk, probe, smoke.
Nothing is imported here, so either side can import its own modules.
"""
