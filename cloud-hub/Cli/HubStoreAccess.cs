using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Registry;
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

    /// <summary>A service of the hub the CLI opened, e.g. the registry's.</summary>
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <param name="settings">More configuration, over the environment's (e.g. <c>Hub:Registry:TrustedPublishersDirectory</c>).</param>
    /// <param name="registry">Also the model registry (<c>Hub:Registry</c>) and notifications (<c>Hub:Notifications</c>).</param>
    /// <exception cref="UsageException">The store options are not valid, or the file cannot be opened as the hub database.</exception>
    public static HubStoreAccess Open(string? databasePath, bool registry = false, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables("EDGEMLOPS_")
            .AddInMemoryCollection(databasePath is null ? [] : [new($"{HubStoreOptions.SectionName}:Path", databasePath)])
            .AddInMemoryCollection(settings ?? [])
            .Build();
        var collection = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
            .AddHubStorage(configuration)
            .AddHubDevices()
            .AddHubOperators();
        if (registry)
            collection.AddHubNotifications(configuration).AddHubRegistry(configuration);
        var services = collection.BuildServiceProvider();
        try
        {
            // Options are validated when first read; a host would do it at start, the CLI does it here.
            _ = services.GetRequiredService<IOptions<HubStoreOptions>>().Value;
            if (registry)
                _ = (services.GetRequiredService<IOptions<RegistryOptions>>().Value, services.GetRequiredService<IOptions<NotificationOptions>>().Value);
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
