using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Sqlite;
using Microsoft.Extensions.Options;
using SQLite;

namespace EdgeMlops.CloudHub.Cli;

/// <summary>
/// Opens the hub database for a CLI command, with the same services and configuration the running hub uses
/// (<c>Hub:Store:Path</c>, overridable with <c>--db</c>; <c>EDGEMLOPS_Hub__Store__Path</c> from the environment), so
/// the CLI and a running hub can share one database file.
/// </summary>
public sealed class HubStoreAccess : IDisposable
{
    private readonly ServiceProvider _services;

    private HubStoreAccess(ServiceProvider services) => _services = services;

    public IDeviceRegistry Devices => _services.GetRequiredService<IDeviceRegistry>();

    public OperatorRegistry Operators => _services.GetRequiredService<OperatorRegistry>();

    /// <summary>The audit log; the CLI writes its changes as <see cref="AuditLog.CliActor"/>.</summary>
    public AuditLog Audit => _services.GetRequiredService<AuditLog>();

    /// <summary>The database itself, for commands whose store is not a service here (rollouts, device tags).</summary>
    public HubDatabase Database => _services.GetRequiredService<HubDatabase>();

    public string DatabasePath => _services.GetRequiredService<IOptions<HubStoreOptions>>().Value.ResolvedPath;

    /// <exception cref="UsageException">The store options are not valid, or the file cannot be opened as the hub database.</exception>
    public static HubStoreAccess Open(string? databasePath)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables("EDGEMLOPS_")
            .AddInMemoryCollection(databasePath is null ? [] : [new($"{HubStoreOptions.SectionName}:Path", databasePath)])
            .Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
            .AddHubStorage(configuration)
            .AddHubDevices()
            .AddHubOperators()
            .BuildServiceProvider();
        try
        {
            // Options are validated when first read; a host would do it at start, the CLI does it here.
            _ = services.GetRequiredService<IOptions<HubStoreOptions>>().Value;
            // Opening now turns an unusable file (not a database, written by a newer release) into one line naming it.
            _ = services.GetRequiredService<HubDatabase>();
        }
        catch (Exception ex) when (Describe(ex, configuration) is { } problem)
        {
            services.Dispose();
            throw new UsageException(problem);
        }
        return new HubStoreAccess(services);
    }

    public void Dispose() => _services.Dispose();

    private static string? Describe(Exception failure, IConfiguration configuration) => failure switch
    {
        OptionsValidationException => failure.Message,
        SQLiteException or IOException or UnauthorizedAccessException or SchemaTooNewException or ForeignDatabaseException or HubStoreException =>
            $"{HubStoreOptions.SectionName}:Path (--db) '{configuration[$"{HubStoreOptions.SectionName}:Path"] ?? new HubStoreOptions().Path}' " +
            $"cannot be opened as the hub database: {failure.Message}",
        _ => null,
    };
}
