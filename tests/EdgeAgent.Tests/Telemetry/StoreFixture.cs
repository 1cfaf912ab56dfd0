using EdgeMlops.EdgeAgent.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SQLite;

namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

/// <summary>Builds stores, queues and writers over a real database file, and looks into that file directly.</summary>
internal static class StoreFixture
{
    public static EdgeStoreOptions Options(string path, Action<EdgeStoreOptions>? configure = null)
    {
        var options = new EdgeStoreOptions { Path = path, FlushInterval = TimeSpan.FromMilliseconds(20) };
        configure?.Invoke(options);
        return options;
    }

    public static EdgeStore Store(EdgeStoreOptions options, TimeProvider? time = null, ILogger<EdgeStore>? logger = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options), time ?? TimeProvider.System, logger ?? NullLogger<EdgeStore>.Instance);

    public static TelemetryQueue Queue(EdgeStoreOptions options, TimeProvider? time = null, ILogger<TelemetryQueue>? logger = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options), time ?? TimeProvider.System, logger ?? NullLogger<TelemetryQueue>.Instance);

    public static TelemetryWriter Writer(TelemetryQueue queue, EdgeStore store, EdgeStoreOptions options, TimeProvider? time = null,
        ILogger<TelemetryWriter>? logger = null) =>
        new(queue, store, Microsoft.Extensions.Options.Options.Create(options), time ?? TimeProvider.System,
            logger ?? NullLogger<TelemetryWriter>.Instance);

    /// <summary>A second, independent connection to the file, as an operator's sqlite3 would have.</summary>
    public static SQLiteConnection Inspect(string path) => new(path, SQLiteOpenFlags.ReadOnly);

    public static long Count(this SQLiteConnection connection, string table) =>
        connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM {table}");

    public static List<long> Seqs(this SQLiteConnection connection, string table) =>
        connection.QueryScalars<long>($"SELECT seq FROM {table} ORDER BY seq");
}
