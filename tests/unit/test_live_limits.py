"""Nova's own limits on a live migration (core/live_limits.py), the
deployment setting that declares them, and what the migration page and the
Force Complete dialog say with them.

Expected numbers follow nova/virt/libvirt/driver.py by hand: the timeout is
live_migration_completion_timeout x (max(2, RAM GiB) + each copied disk,
max(2, its GiB)).
"""
from django.test.utils import override_settings

from migration_dashboard.core import live_limits as limits
from migration_dashboard.core import progress
from migration_dashboard.services import deployment
from tests.unit import finding_checks
from tests.unit import fixtures as f
from tests.unit import test_migrations_views as views

DEFAULTS = limits.LibvirtMigration()
POST_COPY = limits.LibvirtMigration(permit_post_copy=True)
PAUSE = limits.LibvirtMigration(permit_post_copy=False)


def test_force_complete_pauses_or_switches_to_post_copy():
    assert "POST-COPY" in limits.force_complete_effect(POST_COPY)
    assert "PAUSES" not in limits.force_complete_effect(POST_COPY)
    assert "PAUSES" in limits.force_complete_effect(PAUSE)
    assert "post-copy" not in limits.force_complete_effect(PAUSE)
    unknown = limits.force_complete_effect(DEFAULTS)
    assert "PAUSES" in unknown and "post-copy" in unknown


def test_undeclared_note_names_only_what_is_missing_once():
    note = limits.undeclared_note(PAUSE, "SETTING")
    assert limits.POST_COPY not in note
    assert limits.COMPLETION_TIMEOUT in note and "SETTING" in note
    assert limits.undeclared_note(PAUSE, "S", (limits.POST_COPY,)) == ""
    full = limits.LibvirtMigration(True, False, 800, "abort")
    assert limits.undeclared_note(full, "S") == ""


def test_timeout_is_per_gib_of_ram_with_nova_minimum():
    # 4 GiB of RAM, volume-backed (nothing else copied): 4 x 800 s.
    assert limits.completion_timeout(DEFAULTS, 4096) == limits.Timeout(
        3200, 3200)
    # 512 MiB counts as Nova's minimum of 2 GiB.
    assert limits.completion_timeout(DEFAULTS, 512).low == 1600
    # Declared 100 s per GiB.
    config = limits.LibvirtMigration(completion_timeout=100)
    assert limits.completion_timeout(config, 8192).high == 800
    # 0: no limit at all.
    assert limits.completion_timeout(
        limits.LibvirtMigration(completion_timeout=0), 8192) is None


def test_local_disks_make_a_range_unless_storage_is_known():
    # 4 GiB RAM, 20 GiB root, 1 GiB swap (counted as 2).
    unknown = limits.completion_timeout(DEFAULTS, 4096, [20, 1])
    assert (unknown.low, unknown.high) == (3200, 800 * (4 + 20 + 2))
    block = limits.completion_timeout(DEFAULTS, 4096, [20, 1], True)
    assert (block.low, block.high) == (800 * (4 + 2 + 2), 800 * 26)
    shared = limits.completion_timeout(DEFAULTS, 4096, [20, 1], False)
    assert (shared.low, shared.high) == (3200, 3200)


def _advice(config, memory_mb=4096, elapsed=None, disks=()):
    timeout = limits.completion_timeout(config, memory_mb, disks)
    return " ".join(limits.timeout_advice(config, timeout,
                                          progress.human_seconds, elapsed))


def test_advice_says_when_and_what_nova_does():
    said = _advice(DEFAULTS, elapsed=200)
    assert "for this instance: 53m 20s (" in said and "aborts it" in said
    assert "about 50m 00s until then" in said
    forced = limits.LibvirtMigration(timeout_action="force_complete")
    assert "pauses the instance" in _advice(forced)
    both = limits.LibvirtMigration(timeout_action="force_complete",
                                   permit_post_copy=True)
    assert "switches it to post-copy" in _advice(both)
    assert "Post-copy is permitted" in _advice(both)
    assert "no time limit" in _advice(
        limits.LibvirtMigration(completion_timeout=0))
    assert "Auto-converge" in _advice(
        limits.LibvirtMigration(permit_auto_converge=True))
    # Post-copy wins: Nova uses auto-converge only without it.
    assert "Auto-converge" not in _advice(limits.LibvirtMigration(
        permit_auto_converge=True, permit_post_copy=True))
    assert "past that limit" in _advice(DEFAULTS, elapsed=4000)
    assert "at the latest" in _advice(DEFAULTS, elapsed=4000, disks=[20])
    # Local disks: the range, 4 GiB RAM alone to 4 + 20 GiB.
    assert "53m 20s, or up to 5h 20m if this move copies its local " \
        "disks" in _advice(DEFAULTS, disks=[20])


def test_setting_parsed_and_bad_values_noted():
    with override_settings(MIGRATION_DASHBOARD_DEPLOYMENT={
            "live_migration_permit_post_copy": "true",
            "live_migration_completion_timeout": 150,
            "live_migration_timeout_action": "pause"}):
        notes = []
        config = deployment.libvirt_migration(notes)
    assert config == limits.LibvirtMigration(
        permit_post_copy=True, completion_timeout=150)
    assert len(notes) == 1 and "pause" in str(notes[0])
    with override_settings(MIGRATION_DASHBOARD_DEPLOYMENT=None):
        assert deployment.libvirt_migration([]) == DEFAULTS


class PagesSayWhatNovaDoes(views.MigrationViewTestBase):

    def _running(self):
        # Volume-backed: Nova copies its RAM only, the timeout is exact.
        return self.nova(
            [f.migration(3, "i-run", "cmp1", "cmp2", status="running")],
            [f.instance("web", "cmp1", instance_id="i-run", image="")],
            {3: views.server_migration(3, "i-run")})

    @override_settings(MIGRATION_DASHBOARD_DEPLOYMENT={
        "live_migration_permit_post_copy": True})
    def test_force_complete_dialog_says_post_copy_when_permitted(self):
        with self._running():
            res = self.client.get(self._url("force_complete"))
        self.assertContains(res, "POST-COPY")
        self.assertNotContains(res, "PAUSES")
        self.assertNotContains(res, "deployment-note")

    @override_settings(MIGRATION_DASHBOARD_DEPLOYMENT={})
    def test_force_complete_dialog_undeclared_says_what_it_depends_on(self):
        with self._running():
            res = self.client.get(self._url("force_complete"))
        self.assertContains(res, limits.POST_COPY, count=1)
        self.assertContains(res, "deployment-note", count=1)

    @override_settings(MIGRATION_DASHBOARD_DEPLOYMENT={
        "live_migration_permit_post_copy": True})
    def test_force_complete_success_says_post_copy(self):
        with self._running():
            res = self._post("force_complete")
        self.assertEqual(302, res.status_code)
        said = [str(m) for m in res.wsgi_request._messages]
        self.assertTrue(any("switched to post-copy" in m for m in said),
                        said)

    @override_settings(MIGRATION_DASHBOARD_DEPLOYMENT={
        "live_migration_permit_post_copy": True,
        "live_migration_permit_auto_converge": False,
        "live_migration_completion_timeout": 100,
        "live_migration_timeout_action": "force_complete"})
    def test_migration_page_names_novas_limit_and_action(self):
        with self._running():
            res = self.client.get(views.detail_url("i-run", 3))
        content = res.content.decode()
        # The fixture instance's flavor, as Nova would count it.
        flavor = f.instance("web", "cmp1", instance_id="i-run",
                            image="").flavor
        seconds = 100 * max(2, flavor["ram"] / 1024.0)
        self.assertIn("Nova&#x27;s own limit for this instance", content)
        self.assertIn("for this instance: %s (" % progress.human_seconds(
            seconds), content)
        self.assertIn("switches it to post-copy", content)
        self.assertIn("POST-COPY", content)
        self.assertNotIn("deployment-note", content)

    @override_settings(MIGRATION_DASHBOARD_DEPLOYMENT={})
    def test_migration_page_undeclared_says_so_once(self):
        with self._running():
            res = self.client.get(views.detail_url("i-run", 3))
        self.assertContains(res, "deployment-note", count=1)
        self.assertContains(res, "aborts it")

    _url = views.ActionTests._url
    _post = views.ActionTests._post


def _every_config():
    for post_copy in (None, True, False):
        for auto in (None, True, False):
            for per_gib in (None, 0, 100):
                for action in (None, limits.ABORT, limits.FORCE_COMPLETE):
                    yield limits.LibvirtMigration(post_copy, auto, per_gib,
                                                  action)


def test_every_message_is_translatable_and_complete():
    # What the dialog and the migration page say, for every declaration:
    # each message is in the committed catalogue and has no placeholder
    # or None left in it.
    said = 0
    for config in _every_config():
        messages = [limits.force_complete_effect(config),
                    limits.force_complete_done(config)]
        note = limits.undeclared_note(config, "SETTING")
        if note:
            messages.append(note)
        for disks, elapsed in (((), None), ((), 100), ((), 10 ** 6),
                               ((20,), 5000)):
            timeout = limits.completion_timeout(config, 4096, disks)
            messages += limits.timeout_advice(config, timeout,
                                              progress.human_seconds,
                                              elapsed)
        for message in messages:
            assert not finding_checks.problems_of_words(message, "said"), (
                config, message)
            said += 1
    assert said > 81 * 6


def test_force_complete_done_says_pause_or_post_copy():
    assert "post-copy" in limits.force_complete_done(POST_COPY)
    assert "paused" not in limits.force_complete_done(POST_COPY)
    assert "paused" in limits.force_complete_done(PAUSE)
    assert "post-copy" not in limits.force_complete_done(PAUSE)
    unknown = limits.force_complete_done(DEFAULTS)
    assert "paused" in unknown and "post-copy" in unknown


def test_undeclared_note_in_full():
    assert limits.undeclared_note(PAUSE, "SETTING") == (
        "This depends on [libvirt] live_migration_permit_auto_converge, "
        "live_migration_completion_timeout, live_migration_timeout_action "
        "in the computes' nova.conf, which no Nova API shows: declare them "
        "in SETTING (local_settings) to be sure. Until then Nova's "
        "defaults are assumed where a number is needed.")
    assert limits.undeclared_note(DEFAULTS, "SETTING", (limits.POST_COPY,)) \
        == ("This depends on [libvirt] live_migration_permit_post_copy in "
            "the computes' nova.conf, which no Nova API shows: declare it "
            "in SETTING (local_settings) to be sure. Until then Nova's "
            "default is assumed where a number is needed.")


def test_time_left_at_the_limits_edges():
    exact = limits.Timeout(3200, 3200)
    human = progress.human_seconds

    def left(timeout, elapsed):
        return limits.timeout_advice(DEFAULTS, timeout, human, elapsed)[1]

    assert left(exact, 3199) == "It has run 53m 19s: about 1s until then."
    assert left(exact, 3200).startswith("It has run 53m 20s, past that "
                                        "limit: Nova should act")
    ranged = limits.Timeout(3200, 20800)
    assert left(ranged, 0) == "It has run 0s: about 53m 20s until then."
    assert left(ranged, 3200) == ("It has run 53m 20s: Nova acts within "
                                  "4h 53m at the latest.")
    assert left(ranged, 20799) == ("It has run 5h 46m: Nova acts within "
                                   "1s at the latest.")
    assert "past that limit" in left(ranged, 20800)


def test_the_limit_in_full():
    said = limits.timeout_advice(
        limits.LibvirtMigration(completion_timeout=100),
        limits.Timeout(400, 400), progress.human_seconds)
    assert said == [
        "Nova's own limit for this instance: 6m 40s "
        "(live_migration_completion_timeout = 100 s per GiB of memory and "
        "of disk to copy). Then Nova aborts it: the instance stays on its "
        "source host."]
    said = limits.timeout_advice(DEFAULTS, None, progress.human_seconds)
    assert said == [
        "Nova sets no time limit (live_migration_completion_timeout = 0): "
        "a migration that does not converge runs until someone aborts or "
        "forces it."]
