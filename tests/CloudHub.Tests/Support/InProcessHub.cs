using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Hosting;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.CloudHub.Tests.Support;

/// <summary>
/// The hub's services (real store, registry, ingest, broker side) in a generic host inside the test, on a free port
/// and a temporary database; stopped and removed with the test.
/// </summary>
internal sealed class InProcessHub : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TempDirectory? _ownDirectory;

    private InProcessHub(IHost host, TempDirectory? ownDirectory, int port)
    {
        _host = host;
        _ownDirectory = ownDirectory;
        Port = port;
    }

    /// <summary>The embedded broker's port (0 with an external broker).</summary>
    public int Port { get; }

    public IServiceProvider Services => _host.Services;
    public IDeviceRegistry Registry => Services.GetRequiredService<IDeviceRegistry>();
    public HubDatabase Database => Services.GetRequiredService<HubDatabase>();
    public BrokerMetrics BrokerMetrics => Services.GetRequiredService<BrokerMetrics>();
    public IngestMetrics IngestMetrics => Services.GetRequiredService<IngestMetrics>();
    public IBrokerStatus Broker => Services.GetRequiredService<IBrokerStatus>();
    public IDesiredStatePublisher Desired => Services.GetRequiredService<IDesiredStatePublisher>();

    /// <param name="directory">Where the database lives; a fresh temporary directory when null.</param>
    /// <param name="settings">Extra configuration, e.g. <c>Hub:Broker:Url</c> for external mode.</param>
    /// <param name="configureServices">Runs after the hub's registrations, e.g. to wrap the ingest.</param>
    public static async Task<InProcessHub> StartAsync(
        string? directory = null,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var own = directory is null ? new TempDirectory() : null;
        directory ??= own!.Path;
        var external = settings?.ContainsKey($"{BrokerOptions.Section}:Url") == true;
        var port = external ? 0 : FreeTcpPort.Next();
        var configuration = new Dictionary<string, string?>
        {
            ["Hub:Store:Path"] = Path.Combine(directory, "hub.db"),
            [$"{BrokerOptions.Section}:Listen"] = $"127.0.0.1:{port}",
            [$"{BrokerOptions.Section}:ReconnectMinDelay"] = "00:00:00.200",
            [$"{BrokerOptions.Section}:ReconnectMaxDelay"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddCloudHub(builder.Configuration);
        configureServices?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            own?.Dispose();
            throw;
        }
        return new InProcessHub(host, own, port);
    }

    /// <summary>Enrolls a device and returns its secret.</summary>
    public string Enroll(string deviceId) => Registry.Enroll(deviceId).Secret;

    public long Count(string table, string deviceId) =>
        Database.Read(c => c.ExecuteScalar<long>($"SELECT count(*) FROM {table} WHERE device_id = ?", deviceId));

    public IReadOnlyList<long> Seqs(string deviceId) =>
        Database.Read(c => c.QueryScalars<long>("SELECT seq FROM events WHERE device_id = ? ORDER BY seq", deviceId));

    public bool? IsOnline(string deviceId) =>
        Database.Read(c => c.ExecuteScalar<long?>("SELECT online FROM devices WHERE id = ?", deviceId)) is { } online ? online != 0 : null;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            _host.Dispose();
            _ownDirectory?.Dispose();
        }
    }
}

/// <summary>Replaces the hub's <see cref="IMessageIngest"/> with a wrapper around it.</summary>
internal static class IngestDecoration
{
    public static void WrapIngest(this IServiceCollection services, Func<IMessageIngest, IMessageIngest> wrap)
    {
        var original = services.Last(d => d.ServiceType == typeof(IMessageIngest));
        services.Remove(original);
        services.AddSingleton(sp => wrap((IMessageIngest)(original.ImplementationFactory?.Invoke(sp)
            ?? original.ImplementationInstance
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
    }
}
