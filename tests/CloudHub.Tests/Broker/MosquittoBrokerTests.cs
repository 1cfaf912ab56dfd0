using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Ingest;
using Microsoft.Extensions.DependencyInjection;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using MQTTnet;

namespace EdgeMlops.CloudHub.Tests.Broker;

/// <summary>
/// The hub against Debian's real Mosquitto, configured by <c>cloud-hub broker mosquitto-config</c>'s files: the
/// password file and ACL keep devices to their own topics, and the hub's persistent session loses nothing while the
/// hub is away and doubles nothing when it comes back.
/// </summary>
public sealed class MosquittoBrokerTests
{
    [Fact]
    public async Task Devices_publish_their_own_topics_through_mosquitto_and_the_hub_stores_them()
    {
        await using var scope = await MosquittoScope.StartAsync("dev-a");
        await using var device = await TestDevice.ConnectAsync(scope.Mosquitto.Port, "dev-a", scope.Secrets["dev-a"]);

        var telemetry = await device.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", 1, 4));
        var status = await device.PublishAsync(Topics.Status("dev-a"), DevicePayloads.Status("dev-a", online: true), retain: true);

        Assert.True(telemetry.IsSuccess || telemetry.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers, telemetry.ReasonCode.ToString());
        Assert.Equal(MqttClientPublishReasonCode.Success, status.ReasonCode);
        await Eventually.HoldsAsync(() => scope.Hub.Seqs("dev-a").Count == 4 && scope.Hub.IsOnline("dev-a") == true, "dev-a's batch and status in the store");
        Assert.Equal([1L, 2, 3, 4], scope.Hub.Seqs("dev-a"));
    }

    [Fact]
    public async Task Mosquitto_refuses_unenrolled_clients_and_wrong_passwords_at_connect()
    {
        await using var scope = await MosquittoScope.StartAsync("dev-a");

        var (unenrolled, unenrolledResult) = await TestDevice.TryConnectAsync(scope.Mosquitto.Port, "dev-x", "dev-x", "some-secret");
        var (wrong, wrongResult) = await TestDevice.TryConnectAsync(scope.Mosquitto.Port, "dev-a", "dev-a", "not-the-secret");
        var (anonymous, anonymousResult) = await TestDevice.TryConnectAsync(scope.Mosquitto.Port, "dev-a", null, null);

        Assert.Null(unenrolled);
        Assert.Null(wrong);
        Assert.Null(anonymous);
        Assert.All([unenrolledResult, wrongResult, anonymousResult], result => Assert.Contains(result,
            new[] { MqttClientConnectResultCode.BadUserNameOrPassword, MqttClientConnectResultCode.NotAuthorized }));
    }

    [Fact]
    public async Task A_device_publishing_on_another_devices_topics_gets_not_authorized_and_nothing_reaches_the_hub()
    {
        await using var scope = await MosquittoScope.StartAsync("dev-a", "dev-b");
        await using var deviceA = await TestDevice.ConnectAsync(scope.Mosquitto.Port, "dev-a", scope.Secrets["dev-a"]);

        var intrusion = await deviceA.PublishAsync(Topics.Telemetry("dev-b"), DevicePayloads.Telemetry("dev-b", 1, 3));
        var desired = await deviceA.PublishAsync(Topics.Desired("dev-a"), "{}"u8.ToArray());
        // A's own message after the refused ones: once it is stored, the refused ones had every chance to arrive.
        await deviceA.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", 1, 1));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, intrusion.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, desired.ReasonCode);
        await Eventually.HoldsAsync(() => scope.Hub.Seqs("dev-a").Count == 1, "dev-a's own batch stored");
        Assert.Equal(0, scope.Hub.Count("events", "dev-b"));
        Assert.Equal(1, scope.Hub.BrokerMetrics.MessagesIn(DeviceChannel.Telemetry));
    }

    [Fact]
    public async Task A_device_cannot_take_over_another_devices_session_by_its_client_id()
    {
        await using var scope = await MosquittoScope.StartAsync("dev-a", "dev-b");
        await using var deviceB = await TestDevice.ConnectAsync(scope.Mosquitto.Port, "dev-b", scope.Secrets["dev-b"]);

        // use_username_as_clientid: A's session is A's whatever client id it claims.
        var (impostor, _) = await TestDevice.TryConnectAsync(scope.Mosquitto.Port, "dev-b", "dev-a", scope.Secrets["dev-a"]);
        await using var _ = impostor;
        var ack = await deviceB.PublishAsync(Topics.Telemetry("dev-b"), DevicePayloads.Telemetry("dev-b", 1, 1));

        Assert.True(deviceB.IsConnected);
        Assert.True((int)ack.ReasonCode < 0x80, ack.ReasonCode.ToString());
    }

    [Fact]
    public async Task Messages_published_while_the_hub_is_away_are_stored_once_when_it_reconnects()
    {
        using var directory = new TempDirectory();
        await using var scope = await MosquittoScope.StartAsync(["dev-a"], directory.Path);
        await using var device = await TestDevice.ConnectAsync(scope.Mosquitto.Port, "dev-a", scope.Secrets["dev-a"]);
        await device.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", 1, 10));
        await Eventually.HoldsAsync(() => scope.Hub.Seqs("dev-a").Count == 10, "the first batch stored");

        await scope.StopHubAsync();
        // Broker-side queueing for the hub's persistent session; 1..10 again is an at-least-once redelivery.
        await device.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", 1, 10));
        for (var first = 11; first <= 100; first += 10)
            await device.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", first, first + 9));
        await scope.StartHubAsync();

        await Eventually.HoldsAsync(() => scope.Hub.Seqs("dev-a").Count == 100, "all 100 records after the hub came back");
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), scope.Hub.Seqs("dev-a"));
    }

    [Fact]
    public async Task A_message_the_store_failed_on_is_left_unacknowledged_and_redelivered_until_stored_once()
    {
        var failures = new FlakyIngest.Budget(2);
        using var directory = new TempDirectory();
        await using var scope = await MosquittoScope.StartAsync(["dev-a"], directory.Path, s => s.WrapIngest(inner => new FlakyIngest(inner, failures)));
        await using var device = await TestDevice.ConnectAsync(scope.Mosquitto.Port, "dev-a", scope.Secrets["dev-a"]);

        await device.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", 1, 5));
        await device.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", 6, 10));

        await Eventually.HoldsAsync(() => scope.Hub.Seqs("dev-a").Count == 10, "both batches stored after the store recovered");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), scope.Hub.Seqs("dev-a"));
        Assert.Equal(2, scope.Hub.BrokerMetrics.Acks(AckOutcome.UnspecifiedError));
    }

    /// <summary>Fails the first few telemetry messages as a full disk would, then passes through.</summary>
    private sealed class FlakyIngest(IMessageIngest inner, FlakyIngest.Budget budget) : IMessageIngest
    {
        public sealed class Budget(int failures)
        {
            private int _left = failures;
            public bool TakeFailure() => Interlocked.Decrement(ref _left) >= 0;
        }

        public ValueTask<IngestResult> IngestAsync(DeviceTopic deviceTopic, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
            topic.EndsWith("/telemetry", StringComparison.Ordinal) && budget.TakeFailure()
                ? throw new EdgeMlops.CloudHub.Storage.HubStoreException("disk full (simulated)")
                : inner.IngestAsync(deviceTopic, topic, payload, cancellationToken);

        public IngestResult RefuseAtAdmission(DeviceTopic deviceTopic, string topic, PayloadRejection rejection) =>
            inner.RefuseAtAdmission(deviceTopic, topic, rejection);
    }

    [Fact]
    public async Task Desired_state_reaches_its_device_through_mosquitto_and_no_other()
    {
        await using var scope = await MosquittoScope.StartAsync("dev-a", "dev-b");
        await using var device = await TestDevice.ConnectAsync(scope.Mosquitto.Port, "dev-a", scope.Secrets["dev-a"]);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await device.SubscribeAsync(Topics.Desired("dev-a")));
        // Mosquitto grants any subscription and applies the read ACL when it delivers, so B's state must not arrive.
        await device.SubscribeAsync(Topics.Desired("dev-b"));

        await scope.Hub.Desired.PublishAsync(new DesiredState("dev-b", 3, DevicePayloads.Time, new Dictionary<string, System.Text.Json.JsonElement>()), CancellationToken.None);
        await scope.Hub.Desired.PublishAsync(new DesiredState("dev-a", 3, DevicePayloads.Time, new Dictionary<string, System.Text.Json.JsonElement>()), CancellationToken.None);

        await Eventually.HoldsAsync(() => device.Received.Any(m => m.Topic == Topics.Desired("dev-a")), "the desired state at the device");
        Assert.DoesNotContain(device.Received, m => m.Topic == Topics.Desired("dev-b"));
    }

    /// <summary>Mosquitto with the registry's devices, and the hub connected to it with the generated hub secret.</summary>
    private sealed class MosquittoScope : IAsyncDisposable
    {
        private readonly string _directory;
        private readonly TempDirectory? _ownDirectory;

        private MosquittoScope(string directory, TempDirectory? own, MosquittoProcess mosquitto, Dictionary<string, string> secrets)
        {
            _directory = directory;
            _ownDirectory = own;
            Mosquitto = mosquitto;
            Secrets = secrets;
        }

        public MosquittoProcess Mosquitto { get; }
        public Dictionary<string, string> Secrets { get; }
        public InProcessHub Hub => _hub ?? throw new InvalidOperationException("the hub is stopped");
        private InProcessHub? _hub;

        public static Task<MosquittoScope> StartAsync(params string[] devices) => StartAsync(devices, null);

        public static async Task<MosquittoScope> StartAsync(string[] devices, string? directory, Action<IServiceCollection>? configureHub = null)
        {
            var own = directory is null ? new TempDirectory() : null;
            directory ??= own!.Path;
            // Enroll through a store of the same database the hub then opens, as the CLI would.
            var secrets = new Dictionary<string, string>();
            IReadOnlyList<EdgeMlops.CloudHub.Devices.EnrolledDevice> enrolled;
            await using (var enrolling = await InProcessHub.StartAsync(directory))
            {
                foreach (var device in devices)
                    secrets[device] = enrolling.Enroll(device);
                enrolled = enrolling.Registry.List();
            }
            var mosquitto = new MosquittoProcess(enrolled);
            var scope = new MosquittoScope(directory, own, mosquitto, secrets);
            try
            {
                await mosquitto.StartAsync();
                await scope.StartHubAsync(configureHub);
            }
            catch
            {
                await scope.DisposeAsync();
                throw;
            }
            return scope;
        }

        public async Task StartHubAsync(Action<IServiceCollection>? configureHub = null)
        {
            _hub = await InProcessHub.StartAsync(_directory, new Dictionary<string, string?>
            {
                [$"{BrokerOptions.Section}:Url"] = Mosquitto.Url,
                [$"{BrokerOptions.Section}:PasswordFile"] = Mosquitto.HubSecretFile,
            }, configureHub);
            Assert.True(_hub.Broker.IsUp, $"the hub did not connect to mosquitto: {_hub.Broker.Problem}\n{Mosquitto.Output}");
        }

        public async Task StopHubAsync()
        {
            if (_hub is not null)
                await _hub.DisposeAsync();
            _hub = null;
        }

        public async ValueTask DisposeAsync()
        {
            await StopHubAsync();
            Mosquitto.Dispose();
            _ownDirectory?.Dispose();
        }
    }
}
