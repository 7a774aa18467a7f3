"""Full-text index for the built-in catalogue: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Triggers keep the index in step with ``discovery_cataloguerecord``. On SQLite a
later migration that rebuilds that table (Django does so for most column
changes) drops the triggers: such a migration must create them again.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE discovery_catalogue_fts USING fts5(
        title, author_text, isbn_text, keyword_text,
        content='discovery_cataloguerecord', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER discovery_catalogue_fts_insert AFTER INSERT ON discovery_cataloguerecord
    BEGIN
        INSERT INTO discovery_catalogue_fts(rowid, title, author_text, isbn_text, keyword_text)
        VALUES (new.id, new.title, new.author_text, new.isbn_text, new.keyword_text);
    END""",
    """CREATE TRIGGER discovery_catalogue_fts_delete AFTER DELETE ON discovery_cataloguerecord
    BEGIN
        INSERT INTO discovery_catalogue_fts(
            discovery_catalogue_fts, rowid, title, author_text, isbn_text, keyword_text)
        VALUES ('delete', old.id, old.title, old.author_text, old.isbn_text, old.keyword_text);
    END""",
    """CREATE TRIGGER discovery_catalogue_fts_update AFTER UPDATE ON discovery_cataloguerecord
    BEGIN
        INSERT INTO discovery_catalogue_fts(
            discovery_catalogue_fts, rowid, title, author_text, isbn_text, keyword_text)
        VALUES ('delete', old.id, old.title, old.author_text, old.isbn_text, old.keyword_text);
        INSERT INTO discovery_catalogue_fts(rowid, title, author_text, isbn_text, keyword_text)
        VALUES (new.id, new.title, new.author_text, new.isbn_text, new.keyword_text);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS discovery_catalogue_fts_update",
    "DROP TRIGGER IF EXISTS discovery_catalogue_fts_delete",
    "DROP TRIGGER IF EXISTS discovery_catalogue_fts_insert",
    "DROP TABLE IF EXISTS discovery_catalogue_fts",
]

# Weights: A title, B authors, C ISBNs, D everything else; field queries ask for one weight.
POSTGRES_FORWARD = [
    "ALTER TABLE discovery_cataloguerecord ADD COLUMN search_vector tsvector",
    """CREATE FUNCTION discovery_catalogue_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('simple', discovery_fold(coalesce(NEW.title, ''))), 'A')
            || setweight(to_tsvector('simple', discovery_fold(coalesce(NEW.author_text, ''))), 'B')
            || setweight(to_tsvector('simple', coalesce(NEW.isbn_text, '')), 'C')
            || setweight(to_tsvector('simple', discovery_fold(coalesce(NEW.keyword_text, ''))), 'D');
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER discovery_catalogue_vector BEFORE INSERT OR UPDATE
    ON discovery_cataloguerecord FOR EACH ROW EXECUTE FUNCTION discovery_catalogue_vector()""",
    """CREATE INDEX discovery_catalogue_search ON discovery_cataloguerecord
    USING GIN (search_vector)""",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS discovery_catalogue_search",
    "DROP TRIGGER IF EXISTS discovery_catalogue_vector ON discovery_cataloguerecord",
    "DROP FUNCTION IF EXISTS discovery_catalogue_vector()",
    "DROP FUNCTION IF EXISTS discovery_fold(text)",
    "ALTER TABLE discovery_cataloguerecord DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    elif vendor == "postgresql":
        _run(schema_editor, [_fold_function(schema_editor), *POSTGRES_FORWARD])


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_BACKWARD)


def _fold_function(schema_editor) -> str:
    """Accent folding through unaccent where the server offers it, else lower-casing only."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
        available = cursor.fetchone() is not None
        if available:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # unaccent() is only STABLE (its dictionary could change); the wrapper is
    # declared IMMUTABLE so the trigger and queries fold text the same way.
    body = "lower(unaccent('unaccent', $1))" if available else "lower($1)"
    return (
        f"CREATE FUNCTION discovery_fold(text) RETURNS text AS $$ SELECT {body} $$ "
        "LANGUAGE sql IMMUTABLE STRICT"
    )


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("discovery", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
