using System.Text.Json;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Sync;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Tests.Models.Support;

/// <summary>
/// A model manager as the agent composes it, on a state folder of its own, serving version 1.0.0 of the fleet packages
/// at start, downloading from a real <see cref="ModelDownloadServer"/>. Desired states are handed in as the sync would.
/// </summary>
internal sealed class ManagerRig : IAsyncDisposable
{
    public const string DeviceId = "box-1";
    public const string Secret = "s3cret";

    private readonly CancellationTokenSource _stop = new();
    private long _revision;

    public ManagerRig(FleetPackages packages, string stateDirectory, string initialPackage, Action<ModelOptions>? configure = null,
        Func<ModelOptions, ModelValidation>? validation = null)
    {
        Options = new ModelOptions
        {
            PackagePath = initialPackage,
            TrustedKeysDirectory = packages.TrustDirectory,
            StateDirectory = stateDirectory,
            RetryInitialDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            ProbationSeconds = 0,
            ProbationCheckInterval = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(Options);
        Store = ModelStore.From(Options);
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = ModelDownloader.BasicCredentials(DeviceId, Secret);
        Downloader = new ModelDownloader(http, Store, Options, DownloadLog);
        var loader = SeedModel.Loader();
        new InitialModelLoadAccess(loader, Slot, Options, Status).Load();
        Shadow = new ShadowMode(Status, Options, TimeProvider.System);
        Manager = new ModelManager(Desired, Slot, loader, Store, Downloader, validation?.Invoke(Options) ?? new ModelValidation(Options), Status,
            Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System, Log, Shadow);
    }

    public ModelOptions Options { get; }
    public ModelSlot Slot { get; } = new();
    public ModelStore Store { get; }
    public ModelDownloader Downloader { get; }
    public DesiredStateStore Desired { get; } = new();
    public DeploymentStatus Status { get; } = new();
    public FakeLogger<ModelManager> Log { get; } = new();
    public FakeLogger<ModelDownloader> DownloadLog { get; } = new();
    public ModelManager Manager { get; }
    public ShadowMode Shadow { get; }

    public string ServingVersion => Slot.Current.Version;

    public Task StartAsync() => Manager.StartAsync(_stop.Token);

    /// <summary>Hands the manager a desired state naming <paramref name="package"/> as served by <paramref name="server"/>.</summary>
    public long Desire(string package, ModelDownloadServer server, string? manifestSha256 = null, int? probationSeconds = null,
        string source = "") =>
        Desire(new DesiredModel(FleetPackages.Manifest(package).Name, FleetPackages.Manifest(package).Version,
            manifestSha256 ?? FleetPackages.ManifestSha256(package), source == "" ? server.Source : source, "rollout-1", probationSeconds));

    public long Desire(DesiredModel model) =>
        DesireProperty(model.ToProperty());

    public long DesireProperty(JsonElement model)
    {
        var revision = Interlocked.Increment(ref _revision);
        var state = new DesiredState(DeviceId, revision, DateTimeOffset.UtcNow,
            new Dictionary<string, JsonElement> { [DesiredModel.PropertyName] = model });
        Assert.True(Desired.TryAccept(state, out var refusal), refusal);
        return revision;
    }

    /// <summary>Hands the manager a desired state without a <c>"model"</c> property (the hub reverted to nothing).</summary>
    public long DesireNoModel()
    {
        var revision = Interlocked.Increment(ref _revision);
        Assert.True(Desired.TryAccept(new DesiredState(DeviceId, revision, DateTimeOffset.UtcNow, new Dictionary<string, JsonElement>()),
            out var refusal), refusal);
        return revision;
    }

    /// <summary>Waits until the manager handled <paramref name="revision"/>; returns its last deployment report.</summary>
    public async Task<ModelDeploymentReport> HandledAsync(long revision)
    {
        await Eventually.HoldsAsync(() => Manager.HandledRevision >= revision, () => $"revision {revision} handled; log: {LogText()}",
            TimeSpan.FromSeconds(60));
        return Status.Deployment!;
    }

    public string LogText() => string.Join(" | ", Log.Collector.GetSnapshot().Select(r => r.Message));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Manager.StopAsync(CancellationToken.None);
        Manager.Dispose();
        await Shadow.DisposeAsync();
        Slot.Dispose();
        _stop.Dispose();
    }

    /// <summary>The agent's start-up load (pointer first, then the configured package), without a host.</summary>
    public sealed class InitialModelLoadAccess(ModelLoader loader, ModelSlot slot, ModelOptions options, DeploymentStatus status)
    {
        public void Load() =>
            new InitialModelLoad(loader, slot, Microsoft.Extensions.Options.Options.Create(options), status, TimeProvider.System,
                    new FakeLogger<InitialModelLoad>())
                .StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }
}
