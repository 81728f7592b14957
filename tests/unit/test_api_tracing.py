"""Horizon's profiler (OPENSTACK_PROFILER enabled) shows every api call
under its own name, ``migration_dashboard.api.<module>.<function>``.

The api modules apply the trace after their definitions (base.trace_calls)
instead of as ``@profiler.trace`` decorators.  Here each module is executed
afresh against Horizon's own profiler module as it is built when
OPENSTACK_PROFILER is enabled, with osprofiler's ``trace`` recording the
names it is given.  The expected names are the functions that carried
``@profiler.trace`` before the change, written out by hand.
"""
import importlib.util
from unittest import mock

from django.test import SimpleTestCase
from django.test import override_settings
from osprofiler import profiler as osprofiler

from migration_dashboard.api import base

TRACED = {
    "keystone": {"project_list", "project_get", "user_get"},
    "neutron": {"port_vnic_types"},
    "placement": {"provider_capacity", "allocation_candidates",
                  "provider_names"},
    "nova": {
        "service_list", "compute_service", "service_disable",
        "service_enable", "service_force_down", "hypervisor_list",
        "instance_list", "migration_list", "compute_microversion",
        "server_migration_get", "migration_abort",
        "migration_force_complete", "instance_action_list",
        "instance_action_get", "instance_get", "server_group_list",
        "server_live_migrate", "server_migrate", "server_confirm_resize",
        "instance_reset_state", "server_revert_resize", "server_start",
        "instance_evacuate", "server_shares", "aggregate_list"},
}


def _fresh(name):
    """A new module object for ``name``, executed but not registered."""
    spec = importlib.util.find_spec(name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ProfilerNamesTests(SimpleTestCase):

    def setUp(self):
        super().setUp()
        # Horizon picks its trace function when its profiler module is
        # imported: build it as a deployment with the profiler has it.
        with override_settings(OPENSTACK_PROFILER={"enabled": True}):
            horizon_profiler = _fresh(
                "openstack_dashboard.contrib.developer.profiler.api")
        self.named, self.entered = [], []

        def trace(name, **kwargs):
            self.named.append(name)

            def decorator(function):
                def traced(*args, **kw):
                    self.entered.append(name)
                    return function(*args, **kw)
                return traced
            return decorator

        for patch in (mock.patch.object(osprofiler, "trace", trace),
                      mock.patch.object(base, "profiler", horizon_profiler)):
            patch.start()
            self.addCleanup(patch.stop)

    def _load(self, module):
        return _fresh("migration_dashboard.api." + module)

    def test_every_call_is_traced_under_its_module_and_name(self):
        for module, functions in sorted(TRACED.items()):
            del self.named[:]
            self._load(module)
            expected = {"migration_dashboard.api.%s.%s" % (module, f)
                        for f in functions}
            self.assertEqual(expected, set(self.named), module)
            # Each once: a function traced twice shows up twice per call.
            self.assertEqual(len(self.named), len(set(self.named)), module)

    def test_calls_inside_the_module_go_through_the_trace(self):
        # compute_service looks the host up with service_list: in the
        # profiler both show, the second nested in the first.
        nova = self._load("nova")
        client = mock.Mock()
        client.client.get.return_value = (None, {"services": [
            {"host": "cmp1", "binary": "nova-compute", "id": "s-1"}]})
        with mock.patch.object(nova, "novaclient", return_value=client):
            service = nova.compute_service(object(), "cmp1")
        self.assertEqual("cmp1", service.host)
        self.assertEqual(["migration_dashboard.api.nova.compute_service",
                          "migration_dashboard.api.nova.service_list"],
                         self.entered)
