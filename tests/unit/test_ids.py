"""core/ids.py: which instance and migration ids from a URL, a query
string or a form reach a Nova URL path."""
from migration_dashboard.core import ids

UUID = "8f1c2a4e-0b7d-4c55-9e3a-2d6f7a8b9c01"


def test_nova_instance_ids_pass_unchanged():
    for value in (UUID, UUID.upper(), "inst-db", "a", "A" + "b" * 63):
        assert ids.instance_id(value) == value, value


def test_what_would_change_the_nova_url_is_no_instance_id():
    for value in ("..", ".", "a/b", "../servers", "%2e%2e", "a%2Fb", "a b",
                  "-leading-hyphen", "", "a" * 65, UUID + "\n", "a?b",
                  "a#b", None, 7, ["a"], "é"):
        assert ids.instance_id(value) is None, value


def test_nova_migration_ids_are_up_to_18_digits():
    assert ids.migration_id("42") == "42"
    assert ids.migration_id("0") == "0"
    assert ids.migration_id(42) == "42"
    assert ids.migration_id("9" * 18) == "9" * 18
    for value in ("9" * 19, "", "..", "4/2", "-1", "1.5", "42 ", "٤٢",
                  None, 4.0, "abc"):
        assert ids.migration_id(value) is None, value
