#!/usr/bin/env python3
"""democloud: a real OpenStack control plane on 127.0.0.1 for demos and tests.

Keystone, Placement, Glance, Nova (api, conductor, scheduler, and
DEMOCLOUD_COMPUTES fake computes, 3 by default), PostgreSQL, RabbitMQ and a
Neutron stub, all private to <repo>/.democloud.
Stdlib only; run with the system python3.  See README.md next to this file;
the code is in cloudctl/, by subject.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cloudctl.cli import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main(doc=__doc__))
