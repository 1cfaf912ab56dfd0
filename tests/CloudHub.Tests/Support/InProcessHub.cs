using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Hosting;
using System.Net.Http.Headers;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeMlops.CloudHub.Tests.Support;

/// <summary>
/// The hub exactly as <see cref="HubApp.Build"/> composes it, inside the test, over a database in a temporary
/// directory. <c>new InProcessHub()</c> builds it without starting it: store, registry and ingest work, on the fake
/// clock <see cref="Time"/>. <see cref="StartAsync"/> also starts it on the system clock: the broker side (embedded
/// on a free port, or an external broker) and the HTTP API on a free port (<see cref="ClientAs"/> with a token, <see cref="Client"/> without).
/// </summary>
internal sealed class InProcessHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory? _ownDirectory;
    private readonly FakeTimeProvider? _time;
    private HttpClient? _client;
    private readonly Dictionary<OperatorRole, HttpClient> _operatorClients = [];
    private bool _started;

    /// <summary>Builds the hub without starting it, its clock at <see cref="Start"/>.</summary>
    /// <param name="configureServices">Runs after the hub's registrations, e.g. to change store options.</param>
    /// <param name="settings">Configuration keys, e.g. <c>Hub:Store:Synchronous</c>.</param>
    /// <param name="directory">Where the database lives; a fresh temporary directory when null.</param>
    public InProcessHub(Action<IServiceCollection>? configureServices = null, IDictionary<string, string?>? settings = null, string? directory = null)
        : this(directory, settings, configureServices, new FakeTimeProvider(Start))
    {
    }

    private InProcessHub(string? directory, IDictionary<string, string?>? settings, Action<IServiceCollection>? configureServices, FakeTimeProvider? time)
    {
        _ownDirectory = directory is null ? new TempDirectory() : null;
        Directory = directory ?? _ownDirectory!.Path;
        _time = time;
        var external = settings?.ContainsKey($"{BrokerOptions.Section}:Url") == true;
        Port = external ? 0 : FreeTcpPort.Next();
        var configuration = new Dictionary<string, string?>
        {
            [$"{HubStoreOptions.SectionName}:Path"] = Path.Combine(Directory, "hub.db"),
            [$"{BrokerOptions.Section}:Listen"] = $"127.0.0.1:{Port}",
            [$"{BrokerOptions.Section}:ReconnectMinDelay"] = "00:00:00.200",
            [$"{BrokerOptions.Section}:ReconnectMaxDelay"] = "00:00:01",
            [$"{HubHttpOptions.Section}:Url"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;

        // Through the command line, the way an operator configures the hub.
        var args = configuration.Select(setting => $"--{setting.Key}={setting.Value}").ToArray();
        _app = HubApp.Build(args, builder =>
        {
            builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning);
            if (time is not null)
                builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(time));
            configureServices?.Invoke(builder.Services);
        });
    }

    /// <summary>Where the clock of a hub built with <c>new</c> starts.</summary>
    public static DateTimeOffset Start { get; } = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The embedded broker's port (0 with an external broker).</summary>
    public int Port { get; }

    public string Directory { get; }

    /// <summary>The clock of a hub built with <c>new</c>; a started hub runs on the system clock.</summary>
    public FakeTimeProvider Time => _time ?? throw new InvalidOperationException("a started hub runs on the system clock");

    /// <summary>A client of the HTTP API of a started hub, without a token: health only.</summary>
    public HttpClient Client => _client ??= NewClient();

    /// <summary>A client of a started hub carrying the token of an operator with <paramref name="role"/> (named after the role).</summary>
    public HttpClient ClientAs(OperatorRole role)
    {
        if (_operatorClients.TryGetValue(role, out var existing))
            return existing;
        var client = NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AddOperator(role.Name(), role));
        return _operatorClients[role] = client;
    }

    /// <summary>Adds an operator and returns its token.</summary>
    public string AddOperator(string name, OperatorRole role) =>
        Get<OperatorRegistry>().TryAdd(name, role, out var token) ? token : throw new InvalidOperationException($"operator {name} exists");

    /// <summary>Where a started hub's HTTP API listens.</summary>
    public Uri BaseAddress => _started ? new Uri(_app.Urls.First()) : throw new InvalidOperationException("the hub is not started: use InProcessHub.StartAsync");

    private HttpClient NewClient() => new() { BaseAddress = BaseAddress };

    public IServiceProvider Services => _app.Services;
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
    public IDeviceRegistry Registry => Get<IDeviceRegistry>();
    public HubDatabase Database => Get<HubDatabase>();
    public string DatabasePath => Get<IOptions<HubStoreOptions>>().Value.ResolvedPath;
    public HubReadStore Store => Get<HubReadStore>();
    public IMessageIngest Ingest => Get<IMessageIngest>();
    public IngestMetrics IngestMetrics => Get<IngestMetrics>();
    public RejectionLog Rejections => Get<RejectionLog>();
    public BrokerMetrics BrokerMetrics => Get<BrokerMetrics>();
    public IBrokerStatus Broker => Get<IBrokerStatus>();
    public IDesiredStatePublisher Desired => Get<IDesiredStatePublisher>();

    /// <summary>Builds and starts a hub, as <see cref="HubApp.StartAsync"/> does for the real one.</summary>
    /// <param name="directory">Where the database lives; a fresh temporary directory when null.</param>
    /// <param name="settings">Extra configuration, e.g. <c>Hub:Broker:Url</c> for external mode.</param>
    /// <param name="configureServices">Runs after the hub's registrations, e.g. to wrap the ingest.</param>
    public static async Task<InProcessHub> StartAsync(
        string? directory = null,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var hub = new InProcessHub(directory, settings, configureServices, time: null);
        try
        {
            await HubApp.StartAsync(hub._app);
            hub._started = true;
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }
        return hub;
    }

    /// <summary>Enrolls a device and returns its secret.</summary>
    public string Enroll(string deviceId) => Registry.Enroll(deviceId).Secret;

    public long Count(string table, string deviceId) =>
        Database.Read(c => c.ExecuteScalar<long>($"SELECT count(*) FROM {table} WHERE device_id = ?", deviceId));

    /// <summary>The seqs of <paramref name="deviceId"/>'s events.</summary>
    public IReadOnlyList<long> Seqs(string deviceId) => Seqs("events", deviceId);

    public IReadOnlyList<long> Seqs(string table, string deviceId) =>
        Database.Read(c => c.QueryScalars<long>($"SELECT seq FROM {table} WHERE device_id = ? ORDER BY seq", deviceId));

    public bool? IsOnline(string deviceId) =>
        Database.Read(c => c.ExecuteScalar<long?>("SELECT online FROM devices WHERE id = ?", deviceId)) is { } online ? online != 0 : null;

    public async ValueTask DisposeAsync()
    {
        try
        {
            _client?.Dispose();
            foreach (var client in _operatorClients.Values)
                client.Dispose();
            if (_started)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await _app.StopAsync(timeout.Token);
            }
        }
        finally
        {
            await _app.DisposeAsync();
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
