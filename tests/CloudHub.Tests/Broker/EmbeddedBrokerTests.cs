using System.Text;
using System.Text.Json;
using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using MQTTnet;

namespace EdgeMlops.CloudHub.Tests.Broker;

/// <summary>The embedded broker with the real registry and ingest, and real MQTT clients on a free port.</summary>
public sealed class EmbeddedBrokerTests
{
    [Fact]
    public async Task Enrolled_device_publishes_a_batch_it_is_stored_and_acknowledged_with_success()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secret = hub.Enroll("dev-a");
        await using var device = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret);

        var ack = await device.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", 1, 5));

        Assert.Equal(MqttClientPublishReasonCode.Success, ack.ReasonCode);
        // The PUBACK came after ingest returned, so the records are in the store already: no waiting.
        Assert.Equal([1L, 2, 3, 4, 5], hub.Seqs("dev-a"));
        Assert.Equal(1, hub.BrokerMetrics.Acks(AckOutcome.Success));
    }

    [Fact]
    public async Task A_redelivered_batch_is_acknowledged_and_stored_once()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secret = hub.Enroll("dev-a");
        await using var device = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret);
        var batch = DevicePayloads.Telemetry("dev-a", 1, 3);

        var first = await device.PublishAsync(Topics.Telemetry("dev-a"), batch);
        var again = await device.PublishAsync(Topics.Telemetry("dev-a"), batch);

        Assert.Equal(MqttClientPublishReasonCode.Success, first.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, again.ReasonCode);
        Assert.Equal([1L, 2, 3], hub.Seqs("dev-a"));
    }

    [Theory]
    [InlineData("dev-x", "dev-x", "not-the-secret", MqttClientConnectResultCode.BadUserNameOrPassword)] // not enrolled
    [InlineData("dev-a", "dev-a", "wrong-secret", MqttClientConnectResultCode.BadUserNameOrPassword)]
    [InlineData("dev-a", "dev-a", null, MqttClientConnectResultCode.BadUserNameOrPassword)] // no password
    public async Task Unenrolled_devices_and_wrong_secrets_are_refused_at_connect(string clientId, string user, string? password, MqttClientConnectResultCode expected)
    {
        await using var hub = await InProcessHub.StartAsync();
        hub.Enroll("dev-a");

        var (device, result) = await TestDevice.TryConnectAsync(hub.Port, clientId, user, password);

        Assert.Null(device);
        Assert.Equal(expected, result);
        Assert.True(hub.BrokerMetrics.RefusedConnections(ConnectionRefusal.BadCredentials) + hub.BrokerMetrics.RefusedConnections(ConnectionRefusal.MissingCredentials) == 1);
    }

    [Fact]
    public async Task A_device_using_another_client_id_is_refused_so_it_cannot_take_over_that_session()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secretA = hub.Enroll("dev-a");
        hub.Enroll("dev-b");

        var (device, result) = await TestDevice.TryConnectAsync(hub.Port, clientId: "dev-b", userName: "dev-a", password: secretA);

        Assert.Null(device);
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result);
        Assert.Equal(1, hub.BrokerMetrics.RefusedConnections(ConnectionRefusal.ClientIdMismatch));
    }

    [Fact]
    public async Task A_device_publishing_on_another_devices_topics_is_refused_and_nothing_is_stored()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secretA = hub.Enroll("dev-a");
        hub.Enroll("dev-b");
        await using var deviceA = await TestDevice.ConnectAsync(hub.Port, "dev-a", secretA);

        // Even a batch that claims to be B's, on B's topic.
        var telemetry = await deviceA.PublishAsync(Topics.Telemetry("dev-b"), DevicePayloads.Telemetry("dev-b", 1, 3));
        var status = await deviceA.PublishAsync(Topics.Status("dev-b"), DevicePayloads.Status("dev-b", online: false));
        var desired = await deviceA.PublishAsync(Topics.Desired("dev-a"), Encoding.UTF8.GetBytes("{}"));
        var elsewhere = await deviceA.PublishAsync("edgemlops/v1/alerts/precision", Encoding.UTF8.GetBytes("{}"));

        Assert.All([telemetry, status, desired, elsewhere], ack => Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, ack.ReasonCode));
        Assert.Equal(0, hub.Count("events", "dev-b"));
        Assert.Equal(4, hub.BrokerMetrics.RefusedPublishes);
        Assert.True(deviceA.IsConnected, "a refused publish must not cost the device its connection");
    }

    [Theory]
    [InlineData("edgemlops/v1/devices/dev-b/desired")]
    [InlineData("#")]
    [InlineData("edgemlops/v1/devices/+/desired")]
    [InlineData("edgemlops/v1/devices/dev-a/#")]
    [InlineData("edgemlops/v1/devices/dev-a/telemetry")]
    public async Task A_device_may_not_subscribe_beyond_its_own_desired_and_status(string filter)
    {
        await using var hub = await InProcessHub.StartAsync();
        var secretA = hub.Enroll("dev-a");
        hub.Enroll("dev-b");
        await using var deviceA = await TestDevice.ConnectAsync(hub.Port, "dev-a", secretA);

        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await deviceA.SubscribeAsync(filter));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await deviceA.SubscribeAsync(Topics.Desired("dev-a")));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await deviceA.SubscribeAsync(Topics.Status("dev-a")));
        Assert.Equal(1, hub.BrokerMetrics.RefusedSubscriptions);
    }

    [Fact]
    public async Task A_malformed_payload_gets_payload_format_invalid_is_counted_and_the_good_ones_still_go_in()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secret = hub.Enroll("dev-a");
        await using var device = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret);

        var malformed = await device.PublishAsync(Topics.Telemetry("dev-a"), Encoding.UTF8.GetBytes("{not json"));
        var good = await device.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", 1, 2));

        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, malformed.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, good.ReasonCode);
        Assert.Equal(1, hub.BrokerMetrics.Acks(AckOutcome.PayloadFormatInvalid));
        Assert.Equal([1L, 2], hub.Seqs("dev-a"));
    }

    [Fact]
    public async Task An_oversized_payload_reaches_ingest_and_is_refused_as_oversized_without_dropping_the_connection()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secret = hub.Enroll("dev-a");
        await using var device = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret);

        var oversized = await device.PublishAsync(Topics.Telemetry("dev-a"), new byte[PayloadLimits.TelemetryBytes + 1024]);
        var good = await device.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", 1, 1));

        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, oversized.ReasonCode);
        Assert.Equal(1, hub.IngestMetrics.RejectionsOf(DeviceChannel.Telemetry, nameof(RejectionKind.Oversized).ToLowerInvariant())
                        + hub.IngestMetrics.RejectionsOf(DeviceChannel.Telemetry, nameof(RejectionKind.Oversized)));
        Assert.Equal(MqttClientPublishReasonCode.Success, good.ReasonCode);
    }

    [Fact]
    public async Task The_puback_waits_for_ingest_to_return()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = await InProcessHub.StartAsync(configureServices: s => s.WrapIngest(inner => new GatedIngest(inner, entered, gate.Task)));
        var secret = hub.Enroll("dev-a");
        await using var device = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret);

        var publish = device.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", 1, 1));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        // Ingest is held inside the interceptor: a PUBACK now would acknowledge something not stored.
        var early = await Task.WhenAny(publish, Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.NotSame(publish, early);

        gate.SetResult();
        Assert.Equal(MqttClientPublishReasonCode.Success, (await publish.WaitAsync(TimeSpan.FromSeconds(20))).ReasonCode);
        Assert.Equal([1L], hub.Seqs("dev-a"));
    }

    [Fact]
    public async Task When_the_store_fails_the_device_gets_unspecified_error_and_keeps_the_records()
    {
        await using var hub = await InProcessHub.StartAsync(configureServices: s => s.WrapIngest(_ => new FailingIngest()));
        var secret = hub.Enroll("dev-a");
        await using var device = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret);

        var ack = await device.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", 1, 1));

        Assert.Equal(MqttClientPublishReasonCode.UnspecifiedError, ack.ReasonCode);
        Assert.Equal(1, hub.BrokerMetrics.Acks(AckOutcome.UnspecifiedError));
        Assert.True(device.IsConnected);
    }

    [Fact]
    public async Task An_unclean_disconnect_marks_the_device_offline_and_its_last_will_goes_through_ingest()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secret = hub.Enroll("dev-a");
        using var relay = new TcpRelay(hub.Port);
        await using var device = await TestDevice.ConnectAsync(relay.Port, "dev-a", secret, options => options
            .WithWillTopic(Topics.Status("dev-a"))
            .WithWillPayload(DevicePayloads.Status("dev-a", online: false))
            .WithWillQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillRetain());
        await device.PublishAsync(Topics.Status("dev-a"), DevicePayloads.Status("dev-a", online: true), retain: true);
        Assert.True(hub.IsOnline("dev-a"));

        relay.Sever();

        await Eventually.HoldsAsync(() => hub.IsOnline("dev-a") == false, "dev-a recorded offline");
        // The online status and the will: MQTTnet dispatches the will through the publish interceptor.
        await Eventually.HoldsAsync(() => hub.BrokerMetrics.MessagesIn(DeviceChannel.Status) == 2, "the will ingested as a second status message");
    }

    [Fact]
    public async Task A_device_without_a_will_is_still_recorded_offline_after_an_unclean_disconnect()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secret = hub.Enroll("dev-a");
        using var relay = new TcpRelay(hub.Port);
        await using var device = await TestDevice.ConnectAsync(relay.Port, "dev-a", secret);
        await device.PublishAsync(Topics.Status("dev-a"), DevicePayloads.Status("dev-a", online: true), retain: true);
        Assert.True(hub.IsOnline("dev-a"));

        relay.Sever();

        await Eventually.HoldsAsync(() => hub.IsOnline("dev-a") == false, "dev-a recorded offline");
        Assert.Equal(1, hub.BrokerMetrics.Acks(AckOutcome.Success));
        await Eventually.HoldsAsync(() => hub.BrokerMetrics.ConnectedClients == 0, "no client connected");
    }

    [Fact]
    public async Task Desired_state_published_by_the_hub_reaches_the_subscribed_device_and_is_retained()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secret = hub.Enroll("dev-a");
        await using var device = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await device.SubscribeAsync(Topics.Desired("dev-a")));
        var state = new DesiredState("dev-a", 7, DevicePayloads.Time,
            new Dictionary<string, JsonElement> { ["model"] = JsonDocument.Parse("""{"version":"1.2.0"}""").RootElement });

        await hub.Desired.PublishAsync(state, CancellationToken.None);

        await Eventually.HoldsAsync(() => !device.Received.IsEmpty, "the desired state at the device");
        Assert.True(device.Received.TryPeek(out var live));
        Assert.Equal(Topics.Desired("dev-a"), live.Topic);
        Assert.True(ContractReader.TryReadDesiredState(live.Payload, out var received, out _));
        Assert.Equal(7, received!.Revision);

        // A device that subscribes later (e.g. after a restart) gets it retained.
        await device.DisconnectAsync();
        await using var again = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret, o => o.WithCleanStart());
        await again.SubscribeAsync(Topics.Desired("dev-a"));
        await Eventually.HoldsAsync(() => again.Received.Any(m => m.Retain && m.Topic == Topics.Desired("dev-a")), "the retained desired state");
    }

    [Fact]
    public async Task A_device_revoked_by_another_process_gets_not_authorized_so_it_keeps_its_records()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secret = hub.Enroll("dev-a");
        await using var device = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret);
        // As the CLI does it from its own process: the running hub's broker hears nothing and the session stays.
        hub.Database.Write(c => c.Execute("UPDATE devices SET password_hash = NULL WHERE id = ?", "dev-a"));

        var ack = await device.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", 1, 3));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, ack.ReasonCode);
        Assert.Equal(1, hub.BrokerMetrics.Acks(AckOutcome.NotAuthorized));
        Assert.Equal(0, hub.BrokerMetrics.Acks(AckOutcome.PayloadFormatInvalid));
        Assert.Empty(hub.Seqs("dev-a"));
    }

    [Fact]
    public async Task A_batch_of_a_newer_version_gets_implementation_specific_error_so_the_device_keeps_it()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secret = hub.Enroll("dev-a");
        await using var device = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret);
        var v2 = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(DevicePayloads.Telemetry("dev-a", 1, 3)).Replace("{\"v\":1,", "{\"v\":2,"));

        var ack = await device.PublishAsync(Topics.Telemetry("dev-a"), v2);
        var malformed = await device.PublishAsync(Topics.Telemetry("dev-a"), Encoding.UTF8.GetBytes("{not json"));

        Assert.Equal(MqttClientPublishReasonCode.ImplementationSpecificError, ack.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, malformed.ReasonCode);
        Assert.Equal(1, hub.BrokerMetrics.Acks(AckOutcome.ImplementationSpecificError));
        Assert.Equal(1, hub.BrokerMetrics.Acks(AckOutcome.PayloadFormatInvalid));
        Assert.Empty(hub.Seqs("dev-a"));
    }

    [Fact]
    public async Task Revoking_a_connected_device_cuts_its_live_session()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secret = hub.Enroll("dev-a");
        var otherSecret = hub.Enroll("dev-b");
        await using var device = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret);
        await using var other = await TestDevice.ConnectAsync(hub.Port, "dev-b", otherSecret);

        Assert.True(hub.Registry.Revoke("dev-a"));

        await Eventually.HoldsAsync(() => !device.IsConnected, "dev-a disconnected");
        var (_, result) = await TestDevice.TryConnectAsync(hub.Port, "dev-a", "dev-a", secret);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result);
        Assert.True(other.IsConnected);
    }

    [Fact]
    public async Task Giving_a_connected_device_a_new_secret_cuts_the_session_of_the_old_one()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secret = hub.Enroll("dev-a");
        await using var device = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret);

        var rotated = hub.Enroll("dev-a");

        await Eventually.HoldsAsync(() => !device.IsConnected, "dev-a disconnected");
        await using var again = await TestDevice.ConnectAsync(hub.Port, "dev-a", rotated);
        Assert.True(again.IsConnected);
    }

    [Fact]
    public async Task An_oversized_payload_is_refused_before_ingest_sees_it()
    {
        var calls = 0;
        await using var hub = await InProcessHub.StartAsync(configureServices: s => s.WrapIngest(inner => new CountingIngest(inner, () => Interlocked.Increment(ref calls))));
        var secret = hub.Enroll("dev-a");
        await using var device = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret);

        var oversized = await device.PublishAsync(Topics.Status("dev-a"), new byte[PayloadLimits.StateBytes + 1]);

        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, oversized.ReasonCode);
        Assert.Equal(0, calls);
        Assert.Equal(1, hub.IngestMetrics.RejectionsOf(DeviceChannel.Status, nameof(RejectionKind.Oversized)));
        Assert.Equal(1, hub.BrokerMetrics.Acks(AckOutcome.PayloadFormatInvalid));
    }

    private sealed class CountingIngest(IMessageIngest inner, Action called) : IMessageIngest
    {
        public ValueTask<IngestResult> IngestAsync(DeviceTopic deviceTopic, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            called();
            return inner.IngestAsync(deviceTopic, topic, payload, cancellationToken);
        }

        public IngestResult RefuseAtAdmission(DeviceTopic deviceTopic, string topic, PayloadRejection rejection) =>
            inner.RefuseAtAdmission(deviceTopic, topic, rejection);
    }

    private sealed class GatedIngest(IMessageIngest inner, TaskCompletionSource entered, Task gate) : IMessageIngest
    {
        public async ValueTask<IngestResult> IngestAsync(DeviceTopic deviceTopic, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            entered.TrySetResult();
            await gate.WaitAsync(cancellationToken);
            return await inner.IngestAsync(deviceTopic, topic, payload, cancellationToken);
        }

        public IngestResult RefuseAtAdmission(DeviceTopic deviceTopic, string topic, PayloadRejection rejection) =>
            inner.RefuseAtAdmission(deviceTopic, topic, rejection);
    }

    private sealed class FailingIngest : IMessageIngest
    {
        public ValueTask<IngestResult> IngestAsync(DeviceTopic deviceTopic, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
            throw new EdgeMlops.CloudHub.Storage.HubStoreException("disk full (simulated)");

        public IngestResult RefuseAtAdmission(DeviceTopic deviceTopic, string topic, PayloadRejection rejection) =>
            throw new EdgeMlops.CloudHub.Storage.HubStoreException("disk full (simulated)");
    }
}
