using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.Messaging;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeMlops.Benchmarks.Rollout;

/// <summary>When one simulated box did what: the span of its download and the moment it reported active.</summary>
public sealed record BoxTimeline(string DeviceId, long DownloadStarted, long DownloadEnded, long ActiveAt, long Bytes);

/// <summary>
/// A light stand-in for an edge box in the fleet benchmark: one MQTT client subscribed to its desired topic that, on a
/// new <c>"model"</c> property, does what the agent's model manager does up to the swap. It downloads with the agent's
/// own <see cref="ModelDownloader"/> (manifest SHA-256 checked against the desired state, files content-addressed,
/// SHA-256 checked, Basic auth with its id and secret), installs with <see cref="ModelStore"/>, verifies the fleet
/// signature with <see cref="ModelPackageVerifier"/>, and reports pending, downloading, verifying, validating and
/// active with the <see cref="ReportedState"/> contract. It does not open an ONNX Runtime session: a hundred sessions
/// on two cores would measure the CPU, not the rollout.
/// </summary>
internal sealed class SimulatedBox : IAsyncDisposable
{
    private readonly string _deviceId;
    private readonly string _fleetKeys;
    private readonly IMqttClient _mqtt = new MqttClientFactory().CreateMqttClient();
    private readonly HttpClient _http;
    private readonly ModelStore _store;
    private readonly ModelDownloader _downloader;
    private readonly SemaphoreSlim _one = new(1, 1);
    private DateTimeOffset _lastReport = DateTimeOffset.MinValue;
    private string _serving;

    public SimulatedBox(string deviceId, string secret, string serving, string directory, string fleetKeys, HttpMessageHandler handler)
    {
        _deviceId = deviceId;
        _serving = serving;
        _fleetKeys = fleetKeys;
        Secret = secret;
        _http = new HttpClient(handler, disposeHandler: false);
        _http.DefaultRequestHeaders.Authorization = ModelDownloader.BasicCredentials(deviceId, secret);
        var options = new ModelOptions
        {
            StateDirectory = directory,
            RetryInitialDelay = TimeSpan.FromMilliseconds(200),
            RetryMaxDelay = TimeSpan.FromSeconds(2),
        };
        _store = ModelStore.From(options);
        _downloader = new ModelDownloader(_http, _store, options, NullLogger<ModelDownloader>.Instance);
    }

    public string DeviceId => _deviceId;

    public string Secret { get; }

    /// <summary>What the box did for the version it was last moved to; null until it is active.</summary>
    public BoxTimeline? Timeline { get; private set; }

    /// <summary>The reason of a failed deployment, reported to the hub as the agent would.</summary>
    public string? Failure { get; private set; }

    /// <summary>Connects, reports what it serves, and subscribes to its desired state (the hub's retained copy comes at once).</summary>
    public async Task StartAsync(BrokerAddress broker, CancellationToken cancellationToken)
    {
        _mqtt.ApplicationMessageReceivedAsync += args =>
        {
            var payload = args.ApplicationMessage.Payload.ToArray();
            // Off the client's receive loop, as the agent's desired-state store hands a change to the manager.
            _ = Task.Run(() => OnDesiredAsync(payload, CancellationToken.None), CancellationToken.None);
            return Task.CompletedTask;
        };
        await _mqtt.ConnectAsync(BrokerClientOptions.For(broker, _deviceId).WithCredentials(_deviceId, Secret).WithCleanStart(true).Build(),
            cancellationToken);
        await ReportAsync(null, null, cancellationToken);
        await _mqtt.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.Desired(_deviceId), MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
    }

    private async Task OnDesiredAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var state = JsonSerializer.Deserialize(payload, ContractsJsonContext.Default.DesiredState);
        if (state is null)
            return;
        if (!DesiredModel.TryRead(state, out var desired, out var problem))
        {
            if (problem is not null) Failure = $"desired state of {_deviceId}: {problem}";
            return;
        }
        await _one.WaitAsync(cancellationToken);
        try
        {
            if (desired.Version == _serving) return;
            await DeployAsync(desired, state.Revision, cancellationToken);
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task DeployAsync(DesiredModel desired, long revision, CancellationToken cancellationToken)
    {
        var (name, version) = (desired.Name, desired.Version);
        ModelDeploymentReport Step(ModelDeploymentState state, string? reason = null, DownloadProgress? progress = null) =>
            new(name, version, state, DateTimeOffset.UtcNow, desired.RolloutId, reason, progress?.BytesDone, progress?.BytesTotal, _serving);
        try
        {
            await ReportAsync(Step(ModelDeploymentState.Pending), revision, cancellationToken);
            await ReportAsync(Step(ModelDeploymentState.Downloading), revision, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var source = new Uri(desired.Source, UriKind.Absolute);
            var manifest = await _downloader.DownloadManifestAsync(source, name, version, desired.ManifestSha256, cancellationToken);
            var missing = _downloader.Missing(manifest.Manifest);
            DownloadProgress last = default;
            await _downloader.DownloadFilesAsync(source, name, version, missing, progress => last = progress, cancellationToken);
            var folder = _store.Install(name, version, manifest.Json, manifest.Manifest);
            var downloaded = Stopwatch.GetTimestamp();
            await ReportAsync(Step(ModelDeploymentState.Downloading, progress: last), revision, cancellationToken);

            await ReportAsync(Step(ModelDeploymentState.Verifying), revision, cancellationToken);
            ModelPackageVerifier.Verify(folder, TrustedKeys.FromDirectory(_fleetKeys));
            await ReportAsync(Step(ModelDeploymentState.Validating), revision, cancellationToken);

            var previous = _serving;
            _serving = version;
            await ReportAsync(new ModelDeploymentReport(name, version, ModelDeploymentState.Active, DateTimeOffset.UtcNow, desired.RolloutId,
                PreviousVersion: previous), revision, cancellationToken);
            Timeline = new BoxTimeline(_deviceId, started, downloaded, Stopwatch.GetTimestamp(), _downloader.BytesDownloaded);
        }
        catch (Exception e) when (e is DeploymentFailedException or ModelPackageException or IOException)
        {
            Failure = $"{_deviceId}: {e.Message}";
            await ReportAsync(Step(ModelDeploymentState.Failed, e.Message), revision, cancellationToken);
        }
    }

    private async Task ReportAsync(ModelDeploymentReport? deployment, long? revision, CancellationToken cancellationToken)
    {
        // The hub keeps the newest report only: two in the same millisecond must still be in order.
        var now = DateTimeOffset.UtcNow;
        _lastReport = now > _lastReport ? now : _lastReport.AddMilliseconds(1);
        var state = new ReportedState(_deviceId, _lastReport, deployment?.Name ?? "vehicle-classifier", _serving,
            new OutboxBacklog(1, 0, 0, null, 0), revision, deployment);
        await _mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Reported(_deviceId))
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(state, ContractsJsonContext.Default.ReportedState))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_mqtt.IsConnected) await _mqtt.DisconnectAsync();
        _mqtt.Dispose();
        _http.Dispose();
        _one.Dispose();
    }
}
