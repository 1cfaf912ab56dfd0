using SQLite;

namespace EdgeMlops.Sqlite.Tests;

/// <summary>The owner mark (<c>PRAGMA application_id</c>): a path pointed at someone else's database must not get our tables added to it.</summary>
public sealed class SchemaMarkTests : IDisposable
{
    private const int OurMark = 0x54455354;

    private static readonly SchemaMigrations Marked = new("test database",
        SchemaMigration.Sql(1, "notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL); CREATE INDEX notes_text ON notes (text);"))
    {
        ApplicationId = OurMark,
    };

    private readonly TempDirectory _directory = new();
    private readonly string _path;
    private readonly SQLiteConnection _connection;

    public SchemaMarkTests()
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

    private List<string> Tables() => _connection.QueryScalars<string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
}
