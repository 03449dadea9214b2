"""The fields' texts, read from projects/field_texts.json (export_fields)."""

from projects.api import PROGRAMME_FIELDS, PROJECT_API_FIELDS, REGION_FIELDS
from projects.export_fields import FIELD_TEXTS

TABLES = {"project": PROJECT_API_FIELDS, "region": REGION_FIELDS, "programme": PROGRAMME_FIELDS}


def test_every_text_in_the_data_file_is_a_field_s_and_every_placeholder_is_filled():
    for table, fields in TABLES.items():
        assert set(FIELD_TEXTS[table]) <= {field.key for field in fields}
        for field in fields:
            assert field.column and field.description
            assert "{" not in field.description and "}" not in field.description
    shared = {field.key for fields in TABLES.values() for field in fields}
    assert set(FIELD_TEXTS["shared"]) <= shared
    assert set(FIELD_TEXTS) == {"shared", *TABLES}
