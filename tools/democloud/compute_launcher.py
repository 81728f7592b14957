"""Run nova-compute with democloud_driver importable as nova.virt.democloud_driver.

Nova only loads ``compute_driver`` from the nova.virt package; instead of
copying our module into site-packages we register it in sys.modules under
that name, then hand over to nova-compute's own main().

Usage: <venv>/bin/python compute_launcher.py --config-file ... (nova-compute args)
"""
import importlib.util
import os
import sys


def main():
    # nova.cmd.compute patches the threading backend on import: import it
    # before anything else of nova.
    from nova.cmd import compute
    import nova.virt

    name = 'nova.virt.democloud_driver'
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        'democloud_driver.py')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    nova.virt.democloud_driver = module

    sys.argv[0] = 'nova-compute'
    return compute.main()


if __name__ == '__main__':
    sys.exit(main())
