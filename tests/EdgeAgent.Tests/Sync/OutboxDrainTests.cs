using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tests.Telemetry;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;

namespace EdgeMlops.EdgeAgent.Tests.Sync;

public sealed class OutboxDrainTests : IAsyncLifetime
{
    private static readonly string TelemetryTopic = Topics.Telemetry(SyncRig.DeviceId);
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Every_record_arrives_once_in_seq_order_and_leaves_the_outbox_only_after_its_puback()
    {
        await using var rig = new SyncRig(_broker.Address);
        var sent = rig.AppendEvents(1000);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _broker.Verdict = async message =>
        {
            if (message.Topic == TelemetryTopic)
            {
                held.TrySetResult();
                await release.Task;
            }
            return null;
        };

        await rig.StartAsync();
        await held.Task.WaitAsync(Eventually.Soon());

        // The broker has the first batch but has not acknowledged it: nothing may have left the outbox.
        Assert.Equal(sent.Count, rig.Store.PendingCount);
        Assert.Equal(0, rig.Progress.AckedRecords);

        release.SetResult();
        await Eventually.HoldsAsync(() => rig.Store.PendingCount == 0, "the outbox is empty");

        Assert.Equal(sent, _broker.Received.On(TelemetryTopic).Seqs());
        Assert.Equal(sent.Count, rig.Progress.AckedRecords);
        Assert.Null(rig.Store.OldestPendingSeq);
        Assert.All(_broker.Received.On(TelemetryTopic), m => Assert.Equal(rig.Store.Epoch, m.Batch().Epoch));
        Assert.All(_broker.Received.On(TelemetryTopic), m => Assert.Equal(SyncRig.DeviceId, m.Batch().DeviceId));
    }

    [Fact]
    public async Task Records_stay_in_the_outbox_while_the_broker_refuses_them_and_leave_once_it_accepts()
    {
        await using var rig = new SyncRig(_broker.Address);
        var sent = rig.AppendEvents(250);
        var refusing = true;
        _broker.Verdict = message => Task.FromResult<MqttPubAckReasonCode?>(
            Volatile.Read(ref refusing) && message.Topic == TelemetryTopic ? MqttPubAckReasonCode.NotAuthorized : null);

        await rig.StartAsync();
        await Eventually.HoldsAsync(() => rig.Progress.RefusedPublishes >= 3, "the broker refused three publishes");

        Assert.Equal(sent.Count, rig.Store.PendingCount);
        Assert.Equal(0, rig.Progress.AckedRecords);
        Assert.Contains(rig.Log.Collector.GetSnapshot(), e => e.Level == LogLevel.Error && e.Message.Contains("NotAuthorized") && e.Message.Contains("seqs 1..100"));

        Volatile.Write(ref refusing, false);
        await Eventually.HoldsAsync(() => rig.Store.PendingCount == 0, "the outbox is empty");

        Assert.Equal(sent, _broker.Received.On(TelemetryTopic).Seqs().Distinct().Order());
        Assert.Equal(sent.Count, rig.Progress.AckedRecords);
        Assert.Equal(0, rig.Progress.RejectedByHub);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Records_the_broker_routes_to_no_subscriber_stay_in_the_outbox_with_one_warning_and_all_arrive_once_the_hub_listens(bool sampleFirst)
    {
        // 0x10 NoMatchingSubscribers: on mosquitto, the hub is not subscribed and the message went nowhere.
        _broker.NoSubscriber = true;
        await using var rig = new SyncRig(_broker.Address);
        if (sampleFirst)
            rig.Store.Append([new PendingReviewSample(TestRecords.SampleInfo(1), Wire.Jpeg(1, 5_000), DateTimeOffset.UtcNow)]);
        rig.AppendEvents(250);
        var sent = Enumerable.Range(1, (int)rig.Store.LastIssuedSeq).Select(i => (long)i).ToList();
        var firstTopic = sampleFirst ? Topics.Samples(SyncRig.DeviceId) : TelemetryTopic;

        await rig.StartAsync();
        await Eventually.HoldsAsync(() => rig.Progress.RefusedPublishes >= 3, "the broker answered 0x10 three times");

        Assert.Equal(sent.Count, rig.Store.PendingCount);
        Assert.Equal(0, rig.Progress.AckedRecords);
        var warning = Assert.Single(rig.Log.Collector.GetSnapshot(), e => e.Level >= LogLevel.Warning && e.Message.Contains("no subscriber"));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"has no subscriber for {firstTopic} (is the hub connected to it?); records kept", warning.Message);
        Assert.Contains($"127.0.0.1:{_broker.Port}", warning.Message);
        Assert.DoesNotContain(rig.Log.Collector.GetSnapshot(), e => e.Level >= LogLevel.Error);
        // The device's own state is not outbox data: 0x10 on it is fine, and the connection stays up.
        Assert.True(rig.Progress.Connected);
        Assert.Equal(0, rig.Progress.Reconnects);

        _broker.NoSubscriber = false;
        await Eventually.HoldsAsync(() => rig.Store.PendingCount == 0, "the outbox is empty");

        var arrived = _broker.Received.Where(m => m.Topic == TelemetryTopic || m.Topic == Topics.Samples(SyncRig.DeviceId)).Seqs();
        Assert.Equal(sent, arrived.Distinct().Order());
        Assert.Equal(sent.Count, rig.Progress.AckedRecords);
        Assert.Single(rig.Log.Collector.GetSnapshot(), e => e.Level >= LogLevel.Warning && e.Message.Contains("no subscriber"));
        await Eventually.HoldsAsync(() => rig.Log.Collector.GetSnapshot().Any(e => e.Level == LogLevel.Information && e.Message.Contains($"has a subscriber for {firstTopic} again")),
            "the end of the outage is logged");
    }

    [Fact]
    public async Task A_batch_the_hub_rejects_as_poison_leaves_the_outbox_and_is_counted()
    {
        await using var rig = new SyncRig(_broker.Address);
        var sent = rig.AppendEvents(300);
        _broker.Verdict = message => Task.FromResult<MqttPubAckReasonCode?>(
            message.Topic == TelemetryTopic && message.Batch().FirstSeq == 101 ? MqttPubAckReasonCode.PayloadFormatInvalid : null);

        await rig.StartAsync();
        await Eventually.HoldsAsync(() => rig.Store.PendingCount == 0, "the outbox is empty");

        Assert.Equal(100, rig.Progress.RejectedByHub);
        Assert.Equal(200, rig.Progress.AckedRecords);
        // Sent once each: a poison batch is not retried.
        Assert.Equal(sent, _broker.Received.On(TelemetryTopic).Seqs());
        Assert.Contains(rig.Log.Collector.GetSnapshot(), e => e.Level == LogLevel.Warning && e.Message.Contains("seqs 101..200") && e.Message.Contains("PayloadFormatInvalid"));
    }

    [Fact]
    public async Task Samples_travel_one_per_message_as_sample_frames_with_their_jpeg_between_batches()
    {
        await using var rig = new SyncRig(_broker.Address);
        var jpegs = Enumerable.Range(1, 3).Select(i => Wire.Jpeg(i, 20_000 + i)).ToArray();
        rig.Store.Append(
        [
            TestRecords.PendingEvent(1),
            new PendingReviewSample(TestRecords.SampleInfo(1), jpegs[0], DateTimeOffset.UtcNow),
            TestRecords.PendingStats(1),
            TestRecords.PendingEvent(2),
            new PendingReviewSample(TestRecords.SampleInfo(2), jpegs[1], DateTimeOffset.UtcNow),
            new PendingReviewSample(TestRecords.SampleInfo(3), jpegs[2], DateTimeOffset.UtcNow),
            TestRecords.PendingEvent(3),
        ]);

        await rig.StartAsync();
        await Eventually.HoldsAsync(() => rig.Store.PendingCount == 0, "the outbox is empty");

        var outbox = _broker.Received.Where(m => m.Topic is var t && (t == TelemetryTopic || t == Topics.Samples(SyncRig.DeviceId))).ToList();
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], outbox.Seqs());
        Assert.Equal([TelemetryTopic, Topics.Samples(SyncRig.DeviceId), TelemetryTopic, Topics.Samples(SyncRig.DeviceId), Topics.Samples(SyncRig.DeviceId), TelemetryTopic],
            outbox.Select(m => m.Topic));
        var samples = outbox.On(Topics.Samples(SyncRig.DeviceId)).ToList();
        for (var i = 0; i < samples.Count; i++)
        {
            Assert.True(SampleFrame.TryRead(samples[i].Payload, out var header, out var jpeg, out var rejection), rejection?.ToString());
            Assert.Equal(jpegs[i], jpeg.ToArray());
            Assert.Equal($"sample-{i + 1}", header.Info.SampleId);
            Assert.Equal(rig.Store.Epoch, header.Epoch);
            Assert.Equal(SyncRig.DeviceId, header.DeviceId);
        }
        Assert.Equal([OutboxKinds.Event, OutboxKinds.Stats, OutboxKinds.Event], outbox.On(TelemetryTopic).SelectMany(m => m.Batch().Records).Take(3).Select(r => r.Kind));
        Assert.Equal(3, rig.Progress.Samples);
        Assert.Equal(3, rig.Progress.Batches);
    }
}
