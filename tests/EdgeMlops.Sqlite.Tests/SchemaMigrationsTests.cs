using SQLite;

namespace EdgeMlops.Sqlite.Tests;

public sealed class SchemaMigrationsTests : IDisposable
{
    private static readonly SchemaMigration Notes = SchemaMigration.Sql(1, "notes",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL); -- the first release");
    private static readonly SchemaMigration Tags = SchemaMigration.Sql(2, "tags",
        """
        CREATE TABLE tags (note_id INTEGER NOT NULL, tag TEXT NOT NULL);
        INSERT INTO tags SELECT id, 'old' FROM notes;
        """);

    // The owner mark (PRAGMA application_id): a path pointed at someone else's database must not get our tables.
    private const int OurMark = 0x54455354;

    private static readonly SchemaMigrations Marked = new("test database",
        SchemaMigration.Sql(1, "notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL); CREATE INDEX notes_text ON notes (text);"))
    {
        ApplicationId = OurMark,
    };

    private readonly TempDirectory _directory = new();
    private readonly string _path;
    private readonly SQLiteConnection _connection;

    public SchemaMigrationsTests()
    {
        _path = _directory.File("test.db");
        _connection = new SQLiteConnection(_path);
    }

    public void Dispose()
    {
        _connection.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void A_fresh_file_gets_every_step_and_the_latest_version()
    {
        var before = new SchemaMigrations("test database", Notes, Tags).Apply(_connection, _path);

        Assert.Equal(0, before);
        Assert.Equal(2, UserVersion());
        Assert.Equal(["notes", "tags"], Tables());
    }

    [Fact]
    public void A_file_at_version_1_gets_only_the_later_steps_and_keeps_its_rows()
    {
        new SchemaMigrations("test database", Notes).Apply(_connection, _path);
        _connection.Execute("INSERT INTO notes (text) VALUES ('kept')");

        var before = new SchemaMigrations("test database", Notes, Tags).Apply(_connection, _path);

        Assert.Equal(1, before);
        Assert.Equal(2, UserVersion());
        Assert.Equal(["kept"], _connection.QueryScalars<string>("SELECT text FROM notes"));
        Assert.Equal(["old"], _connection.QueryScalars<string>("SELECT tag FROM tags"));
    }

    [Fact]
    public void A_file_at_the_latest_version_is_left_as_it_is()
    {
        var migrations = new SchemaMigrations("test database", Notes, Tags);
        migrations.Apply(_connection, _path);

        Assert.Equal(2, migrations.Apply(_connection, _path));
        Assert.Equal(2, UserVersion());
    }

    [Fact]
    public void A_file_from_a_newer_release_is_refused_naming_the_file_and_both_versions()
    {
        new SchemaMigrations("test database", Notes, Tags).Apply(_connection, _path);

        var error = Assert.Throws<SchemaTooNewException>(() => new SchemaMigrations("test database", Notes).Apply(_connection, _path));

        Assert.Contains(_path, error.Message);
        Assert.Contains("version 2", error.Message);
        Assert.Contains("version 1", error.Message);
        Assert.Equal((2, 1), (error.FileVersion, error.KnownVersion));
        Assert.Equal(2, UserVersion());
        Assert.Equal(["notes", "tags"], Tables());
    }

    [Fact]
    public void A_failing_step_rolls_back_every_step_of_the_run()
    {
        var failing = new SchemaMigration(3, "fails halfway", connection =>
        {
            connection.Execute("CREATE TABLE half (id INTEGER)");
            throw new InvalidOperationException("step failed");
        });

        var error = Assert.Throws<InvalidOperationException>(() => new SchemaMigrations("test database", Notes, Tags, failing).Apply(_connection, _path));

        Assert.Equal("step failed", error.Message);
        Assert.Equal(0, UserVersion());
        Assert.Empty(Tables());
        Assert.Equal(0, new SchemaMigrations("test database", Notes, Tags).Apply(_connection, _path));
    }

    [Fact]
    public void A_failing_sql_step_reports_sqlite_s_error()
    {
        var broken = SchemaMigration.Sql(1, "broken", "CREATE TABLE ok (id INTEGER); CREATE TABLE ok (id INTEGER);");

        var error = Assert.Throws<SQLiteException>(() => new SchemaMigrations("test database", broken).Apply(_connection, _path));

        Assert.Contains("already exists", error.Message);
        Assert.Empty(Tables());
    }

    [Fact]
    public void Up_to_builds_a_file_as_an_older_release_left_it()
    {
        new SchemaMigrations("test database", Notes, Tags).UpTo(1).Apply(_connection, _path);

        Assert.Equal(1, UserVersion());
        Assert.Equal(["notes"], Tables());
    }

    [Fact]
    public void Steps_must_be_numbered_from_1_in_order()
    {
        Assert.Throws<ArgumentException>(() => new SchemaMigrations("test database", Tags));
        Assert.Throws<ArgumentException>(() => new SchemaMigrations("test database", Notes, Notes));
    }

    [Fact]
    public void A_fresh_file_is_marked_as_ours()
    {
        Marked.Apply(_connection, _path);

        Assert.Equal(OurMark, Mark());
    }

    [Fact]
    public void An_unrelated_database_is_refused_and_left_untouched()
    {
        _connection.Execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)");

        var refused = Assert.Throws<ForeignDatabaseException>(() => Marked.Apply(_connection, _path));

        Assert.Contains(_path, refused.Message);
        Assert.Contains("customers", refused.Message);
        Assert.Equal(["customers"], Tables());
        Assert.Equal(0, Mark());
        Assert.Equal(0, _connection.ExecuteScalar<int>("PRAGMA user_version"));
    }

    [Fact]
    public void A_database_with_another_mark_is_refused_even_when_empty()
    {
        _connection.Execute("PRAGMA application_id=1234");

        var refused = Assert.Throws<ForeignDatabaseException>(() => Marked.Apply(_connection, _path));

        Assert.Contains("1234", refused.Message);
        Assert.Empty(Tables());
    }

    [Fact]
    public void An_unmarked_file_that_holds_only_our_tables_was_written_before_the_mark_and_is_marked()
    {
        new SchemaMigrations("test database", SchemaMigration.Sql(1, "notes",
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL); CREATE INDEX notes_text ON notes (text);")).Apply(_connection, _path);
        _connection.Execute("INSERT INTO notes (text) VALUES ('kept')");

        Marked.Apply(_connection, _path);

        Assert.Equal(OurMark, Mark());
        Assert.Equal(["kept"], _connection.QueryScalars<string>("SELECT text FROM notes"));
    }

    private int Mark() => _connection.ExecuteScalar<int>("PRAGMA application_id");

    private int UserVersion() => _connection.ExecuteScalar<int>("PRAGMA user_version");

    private List<string> Tables() =>
        _connection.QueryScalars<string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
}
