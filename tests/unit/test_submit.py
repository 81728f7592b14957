"""The bounded submission pool: one outcome per call, in order."""
import threading

from novaclient import exceptions as nova_exceptions

from migration_dashboard.services import submit


def test_each_call_keeps_its_own_outcome_even_for_the_same_instance():
    lock = threading.Lock()
    seen = []

    def call(instance_id):
        with lock:
            seen.append(instance_id)
            first = seen.count(instance_id) == 1
        if not first:
            raise nova_exceptions.Conflict(409, "already migrating")

    results = submit.run(["a", "a", "b"], call)
    assert [i for i, _e in results] == ["a", "a", "b"]
    errors = [e for _i, e in results if e is not None]
    assert len(errors) == 1
    assert isinstance(errors[0], nova_exceptions.Conflict)
    assert results[2][1] is None


def test_explain_names_the_race_behind_a_nova_500():
    text = str(submit.explain(nova_exceptions.ClientException(
        500, "Unexpected API Error.")))
    assert "500" in text and "another operation" in text
    assert "refused in its current state (409)" in str(submit.explain(
        nova_exceptions.Conflict(409, "task_state migrating")))
