using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.CloudHub.Tests.Support;

/// <summary>The hub's data side as <c>AddHubData</c> composes it, over a real database in a temporary directory.</summary>
public sealed class HubServices : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ServiceProvider _provider;

    public HubServices(Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Hub:Store:Path"] = _directory.File("hub.db") })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(Time);
        services.AddHubData(configuration);
        configure?.Invoke(services);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static DateTimeOffset Start => HubStore.Start;

    public ManualTimeProvider Time { get; } = new(HubStore.Start);
    public IServiceProvider Services => _provider;
    public string Directory => _directory.Path;
    public IMessageIngest Ingest => _provider.GetRequiredService<IMessageIngest>();
    public IDeviceRegistry Registry => _provider.GetRequiredService<IDeviceRegistry>();
    public HubDatabase Database => _provider.GetRequiredService<HubDatabase>();
    public HubReadStore Store => _provider.GetRequiredService<HubReadStore>();
    public IngestMetrics Metrics => _provider.GetRequiredService<IngestMetrics>();
    public RejectionLog Rejections => _provider.GetRequiredService<RejectionLog>();

    public long Count(string table, string deviceId) =>
        Database.Read(c => c.ExecuteScalar<long>($"SELECT count(*) FROM {table} WHERE device_id = ?", deviceId));

    public IReadOnlyList<long> Seqs(string table, string deviceId) =>
        Database.Read(c => c.QueryScalars<long>($"SELECT seq FROM {table} WHERE device_id = ? ORDER BY seq", deviceId));

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _directory.Dispose();
    }
}
