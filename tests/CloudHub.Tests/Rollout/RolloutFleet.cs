using System.Text.Json;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Rollout;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeMlops.CloudHub.Tests.Rollout;

/// <summary>A model catalog holding whatever the test names, so engine tests need not register real packages.</summary>
internal sealed class TestCatalog : IModelCatalog
{
    private readonly Dictionary<(string, string), ModelVersionRef> _versions = [];

    public TestCatalog(params string[] versions)
    {
        foreach (var version in versions)
            Add(RolloutFleet.Model, version);
    }

    public void Add(string name, string version, string? alias = null)
    {
        var reference = new ModelVersionRef(name, version, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{name}@{version}"))));
        _versions[(name, version)] = reference;
        if (alias is not null)
            _versions[(name, alias)] = reference;
    }

    public ModelVersionRef? Resolve(string name, string versionOrAlias) => _versions.GetValueOrDefault((name, versionOrAlias));

    public string DownloadSource { get; set; } = "http://hub.test:8080/";
}

/// <summary>Records every notification.</summary>
internal sealed class RecordedNotifications : IHubNotifications
{
    private readonly List<HubNotification> _all = [];

    public IReadOnlyList<HubNotification> All
    {
        get { lock (_all) return _all.ToList(); }
    }

    public IReadOnlyList<string> RolloutStates(long id) => All
        .Where(n => n.Kind == RolloutEngine.StateNotification && n.Subject == RolloutStore.IdText(id))
        .Select(n => n.Detail.GetProperty("state").GetString()!).ToList();

    public void Enqueue(HubNotification notification)
    {
        lock (_all) _all.Add(notification);
    }
}

/// <summary>
/// A hub (not started, on its fake clock) with enrolled devices and boxes that answer their desired model the way the
/// model manager does, through the hub's ingest: the way a reported state really lands in <c>devices.reported_json</c>.
/// </summary>
internal sealed class RolloutFleet : IAsyncDisposable
{
    public const string Model = "vehicle-classifier";

    private readonly Dictionary<string, long> _reportCount = [];
    private readonly HashSet<(string DeviceId, string Version)> _failed = [];

    public RolloutFleet(TestCatalog catalog, string? directory = null, IEnumerable<string>? devices = null)
    {
        Catalog = catalog;
        Hub = new InProcessHub(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<IModelCatalog>(catalog));
            services.Replace(ServiceDescriptor.Singleton<IHubNotifications>(Notifications));
        }, directory: directory);
        foreach (var device in devices ?? [])
            Hub.Enroll(device);
    }

    public InProcessHub Hub { get; }
    public TestCatalog Catalog { get; }
    public RecordedNotifications Notifications { get; } = new();
    public RolloutEngine Engine => Hub.Get<RolloutEngine>();
    public RolloutStore Store => Hub.Get<RolloutStore>();
    public DeviceTags Tags => Hub.Get<DeviceTags>();
    public DesiredStateBook Desired => Hub.Get<DesiredStateBook>();

    /// <summary>Enrolls <paramref name="count"/> devices box-1.. with the tags given, each reporting it serves <paramref name="serving"/>.</summary>
    public async Task<IReadOnlyList<string>> AddDevicesAsync(int count, string serving, params (string Key, string Value)[] tags)
    {
        var ids = Enumerable.Range(1, count).Select(i => $"box-{i}").ToList();
        foreach (var id in ids)
        {
            Hub.Enroll(id);
            foreach (var (key, value) in tags)
                Tags.Set(id, key, value);
            await ReportAsync(id, serving, null);
        }
        return ids;
    }

    public long Create(RolloutRequest request) =>
        Store.Create(request.ToPlan(new RolloutOptions()).Plan ?? throw new ArgumentException(request.ToPlan(new RolloutOptions()).Problem), "test", Hub.Time.GetUtcNow());

    public Task TickAsync() => Engine.TickAsync(CancellationToken.None);

    /// <summary>Moves the clock, then runs one coordinator pass.</summary>
    public Task AdvanceAsync(TimeSpan by)
    {
        Hub.Time.Advance(by);
        return TickAsync();
    }

    /// <summary>The version the device's desired model names, or null.</summary>
    public string? DesiredVersion(string deviceId) =>
        Desired.Current(deviceId) is { } state && DesiredModel.TryRead(state, out var model, out _) ? model.Version : null;

    public DesiredModel? DesiredModelOf(string deviceId) =>
        Desired.Current(deviceId) is { } state && DesiredModel.TryRead(state, out var model, out _) ? model : null;

    /// <summary>
    /// Every device whose desired model names a version it does not serve yet (and has not failed) answers as a box would: active (and now
    /// serving it), or failed with a reason when <paramref name="fails"/> says so. Devices in <paramref name="offline"/> say nothing.
    /// </summary>
    public async Task BoxesApplyAsync(Func<string, bool>? fails = null, params string[] offline)
    {
        foreach (var id in Hub.Registry.List().Select(d => d.DeviceId).Except(offline))
        {
            var row = Store.Reported(id);
            // A box that failed a version does not try it again on its own.
            if (DesiredModelOf(id) is not { } model || row?.ModelVersion == model.Version || _failed.Contains((id, model.Version)))
                continue;
            if (fails?.Invoke(id) == true)
            {
                _failed.Add((id, model.Version));
                await ReportAsync(id, row?.ModelVersion ?? "1", new ModelDeploymentReport(model.Name, model.Version, ModelDeploymentState.Failed,
                    Hub.Time.GetUtcNow(), model.RolloutId, "canary precision 0.41 under the gate 0.80 (canary/)", PreviousVersion: row?.ModelVersion));
                continue;
            }
            await ReportAsync(id, model.Version, new ModelDeploymentReport(model.Name, model.Version, ModelDeploymentState.Active,
                Hub.Time.GetUtcNow(), model.RolloutId, PreviousVersion: row?.ModelVersion));
        }
    }

    /// <summary>Stores a reported state through the hub's ingest, as one arriving on the device's reported topic.</summary>
    public async Task ReportAsync(string deviceId, string serving, ModelDeploymentReport? deployment)
    {
        // Each report a little later than the last: the ingest keeps the newest report only.
        var count = _reportCount[deviceId] = _reportCount.GetValueOrDefault(deviceId) + 1;
        var state = new ReportedState(deviceId, Hub.Time.GetUtcNow().AddMilliseconds(count), Model, serving, new OutboxBacklog(1, 0, 0, null, 0),
            Deployment: deployment);
        var payload = JsonSerializer.SerializeToUtf8Bytes(state, ContractsJsonContext.Default.ReportedState);
        var result = await Hub.Ingest.IngestAsync(new DeviceTopic(deviceId, DeviceChannel.Reported), Topics.Reported(deviceId), payload, CancellationToken.None);
        if (result.Status != CloudHub.Ingest.IngestStatus.Stored)
            throw new InvalidOperationException($"report of {deviceId} not stored: {result.Reason}");
    }

    public RolloutRow Rollout(long id) => Store.Get(id)!;

    public IReadOnlyList<RolloutDeviceRow> DevicesOf(long id) => Store.Devices(id);

    public RolloutCounters Counters(long id) => RolloutCounters.Of(Store.Devices(id));

    public ValueTask DisposeAsync() => Hub.DisposeAsync();
}
