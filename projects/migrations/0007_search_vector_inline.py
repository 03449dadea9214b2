from django.db import migrations

# A search ranks every matching project by its search vector. Left to PostgreSQL's default
# (EXTENDED), the vectors of projects with long texts are moved out of the row into the TOAST
# table, and ranking a common word's tens of thousands of matches then fetches each from there:
# twice the time of the whole ranking. MAIN keeps them in the row (compressed if need be) and
# moves them out only when nothing else makes the row fit. Rows written from now on follow it.
VECTOR_STORAGE = "ALTER TABLE projects_project ALTER COLUMN search_vector SET STORAGE {}"


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_facet_index")]

    operations = [
        migrations.RunSQL(VECTOR_STORAGE.format("MAIN"), VECTOR_STORAGE.format("EXTENDED")),
    ]
