using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using EdgeMlops.Observability;

namespace EdgeMlops.CloudHub.Tests.Devices;

/// <summary>
/// Two boxes with one identity (a copied disk image) publish the same (device, epoch, seq) with other content: the
/// first stays, the other is refused as a conflict, kept as evidence and raises the cloned-device condition, which an
/// operator clears and answers with a new-epoch instruction in the device's desired state.
/// </summary>
public sealed class CloneEvidenceTests : IAsyncLifetime
{
    private const string Device = "box-1";
    private const long Epoch = 7_000_001;

    private InProcessHub _hub = null!;

    public async Task InitializeAsync()
    {
        _hub = await InProcessHub.StartAsync();
        _hub.Enroll(Device);
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    private ValueTask<IngestResult> IngestAsync(byte[] batch) => _hub.Ingest.IngestAsync(Topics.Telemetry(Device), batch, CancellationToken.None);

    private static byte[] Original(long firstSeq, int count) => Payloads.EventBatch(Device, Epoch, firstSeq, count);

    private static byte[] Clone(long firstSeq, int count) => Payloads.EventBatch(Device, Epoch, firstSeq, count, camera: _ => "clone-cam");

    [Fact]
    public async Task A_redelivery_with_the_same_content_is_a_duplicate_and_raises_nothing()
    {
        await IngestAsync(Original(1, 10));

        var again = await IngestAsync(Original(1, 10));

        Assert.Equal((10, 0), (again.Duplicates, again.Conflicts));
        Assert.Null(_hub.Get<CloneEvidence>().Condition(Device));
        Assert.Empty(_hub.Get<CloneEvidence>().Conflicts(Device, 10));
    }

    [Fact]
    public async Task Other_content_under_stored_keys_is_a_conflict_kept_as_evidence_while_the_stored_records_stay()
    {
        await IngestAsync(Original(1, 10));
        var storedBefore = _hub.Store.Events(new(Device, null, null, null, null, 100)).Select(e => e.Payload).ToList();

        var clone = await IngestAsync(Clone(6, 10));

        // Seqs 6..10 collide; 11..15 are new and stored; the device is told to keep the batch (not a success).
        Assert.Equal((IngestStatus.Stored, 5, 0, 5), (clone.Status, clone.Stored, clone.Duplicates, clone.Conflicts));
        Assert.Contains(CloneEvidence.ConditionName, clone.Reason);
        Assert.Equal(storedBefore, _hub.Store.Events(new(Device, null, null, null, null, 100)).Take(10).Select(e => e.Payload));
        var evidence = _hub.Get<CloneEvidence>();
        var conflicts = evidence.Conflicts(Device, 100);
        Assert.Equal([6L, 7, 8, 9, 10], conflicts.Select(c => c.Seq).Order());
        Assert.All(conflicts, c => Assert.NotEqual(c.StoredSha256, c.IncomingSha256));
        var condition = Assert.IsType<CloneCondition>(evidence.Condition(Device));
        Assert.Equal((CloneEvidence.RecordConflictCause, 5L), (condition.Cause, condition.Conflicts));

        await IngestAsync(Clone(6, 10));
        Assert.All(evidence.Conflicts(Device, 100), c => Assert.Equal(2, c.Count));
        var metrics = _hub.Get<CloneMetrics>();
        Assert.Equal((10L, 1L), (metrics.ConflictingRecords, metrics.ConditionsRaised));
        var text = new PrometheusTextWriter();
        metrics.WriteMetrics(text);
        Assert.Contains("edgemlops_hub_clone_conflicting_records_total 10", text.ToString());
    }

    [Fact]
    public async Task A_clones_record_of_another_kind_under_a_stored_seq_is_a_conflict_not_a_second_record()
    {
        await IngestAsync(Original(1, 5));

        var stats = await IngestAsync(Payloads.Batch(Device, Epoch, [Payloads.StatsRecord(Device, 3), Payloads.StatsRecord(Device, 6)]));
        var sample = await _hub.Ingest.IngestAsync(Topics.Samples(Device), Payloads.Sample(Device, Epoch, 4, Payloads.Jpeg(1)), CancellationToken.None);

        Assert.Equal((1, 1), (stats.Stored, stats.Conflicts));
        Assert.Equal((0, 1), (sample.Stored, sample.Conflicts));
        Assert.Equal([6L], _hub.Seqs("stats", Device));
        Assert.Empty(_hub.Seqs("samples", Device));
        Assert.Equal([3L, 4], _hub.Get<CloneEvidence>().Conflicts(Device, 10).Select(c => c.Seq).Order());
    }

    [Fact]
    public async Task A_conflicting_sample_does_not_replace_the_stored_image()
    {
        var topic = Topics.Samples(Device);
        await _hub.Ingest.IngestAsync(topic, Payloads.Sample(Device, Epoch, 3, Payloads.Jpeg(1)), CancellationToken.None);

        var clone = await _hub.Ingest.IngestAsync(topic, Payloads.Sample(Device, Epoch, 3, Payloads.Jpeg(2)), CancellationToken.None);

        Assert.Equal(1, clone.Conflicts);
        var sample = Assert.Single(_hub.Store.Samples(new(Device, null, null, null, null, 10)));
        Assert.Equal(Payloads.Jpeg(1), File.ReadAllBytes(_hub.Get<SampleFiles>().FullPath(sample.ImagePath)));
    }

    [Fact]
    public async Task The_api_shows_the_condition_and_an_operator_clears_it_telling_the_box_to_leave_the_epoch()
    {
        await IngestAsync(Original(1, 5));
        await IngestAsync(Clone(1, 5));
        var viewer = _hub.ClientAs(OperatorRole.Viewer);

        var device = await viewer.GetFromJsonAsync<JsonElement>($"/api/devices/{Device}");
        Assert.Equal([CloneEvidence.ConditionName], device.GetProperty("conditions").EnumerateArray().Select(c => c.GetString()));
        var listed = await viewer.GetFromJsonAsync<JsonElement>("/api/devices");
        Assert.Equal(CloneEvidence.ConditionName, listed[0].GetProperty("conditions")[0].GetString());
        var evidence = await viewer.GetFromJsonAsync<JsonElement>($"/api/devices/{Device}/conflicts?limit=3");
        Assert.Equal(CloneEvidence.RecordConflictCause, evidence.GetProperty("condition").GetProperty("cause").GetString());
        Assert.Equal(3, evidence.GetProperty("conflicts").GetArrayLength());
        Assert.Equal(HttpStatusCode.Forbidden,
            (await viewer.PostAsJsonAsync($"/api/devices/{Device}/conflicts/clear", new { startNewEpoch = true })).StatusCode);

        var cleared = await _hub.ClientAs(OperatorRole.Operator).PostAsJsonAsync($"/api/devices/{Device}/conflicts/clear", new { startNewEpoch = true });

        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Null(_hub.Get<CloneEvidence>().Condition(Device));
        var desired = _hub.Get<DesiredStateBook>().Current(Device)!;
        Assert.True(DesiredOutbox.TryRead(desired, out var outbox, out _));
        Assert.Equal(Epoch, outbox.NewEpochAfter);
        var entry = _hub.Get<AuditLog>().Page(null, 10).First(e => e.Action == AuditActions.DeviceConditionClear);
        Assert.Equal(("operator", Device, $"ok: new epoch after {Epoch}"), (entry.Actor, entry.Target, entry.Outcome));
        var deviceAfter = await viewer.GetFromJsonAsync<JsonElement>($"/api/devices/{Device}");
        Assert.Equal(0, deviceAfter.GetProperty("conditions").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound,
            (await _hub.ClientAs(OperatorRole.Operator).PostAsJsonAsync($"/api/devices/{Device}/conflicts/clear", new { })).StatusCode);
    }

    [Fact]
    public async Task Conflicts_in_the_epoch_the_box_was_told_to_leave_do_not_raise_it_again_but_a_new_epoch_clash_does()
    {
        await IngestAsync(Original(1, 5));
        await IngestAsync(Clone(1, 5));
        var evidence = _hub.Get<CloneEvidence>();
        Assert.True(evidence.Clear(Device, "operator", Epoch));

        await IngestAsync(Clone(1, 5));
        Assert.Null(evidence.Condition(Device));

        await _hub.Ingest.IngestAsync(Topics.Telemetry(Device), Payloads.EventBatch(Device, Epoch + 1, 1, 3), CancellationToken.None);
        await _hub.Ingest.IngestAsync(Topics.Telemetry(Device), Payloads.EventBatch(Device, Epoch + 1, 1, 3, camera: _ => "x"), CancellationToken.None);
        Assert.NotNull(evidence.Condition(Device));
    }

    [Fact]
    public async Task Three_takeovers_within_the_window_are_a_session_fight_and_one_takeover_now_and_then_is_not()
    {
        await using var hub = new InProcessHub();
        hub.Registry.Enroll(Device);
        var fights = hub.Get<SessionFights>();
        var evidence = hub.Get<CloneEvidence>();

        fights.TakenOver(Device);
        hub.Time.Advance(SessionFights.Window + TimeSpan.FromSeconds(1));
        fights.TakenOver(Device);
        hub.Time.Advance(SessionFights.Window + TimeSpan.FromSeconds(1));
        fights.TakenOver(Device);
        Assert.Null(evidence.Condition(Device));

        fights.TakenOver(Device);
        fights.TakenOver(Device);

        var condition = Assert.IsType<CloneCondition>(evidence.Condition(Device));
        Assert.Equal((CloneEvidence.SessionFightCause, 3L), (condition.Cause, condition.SessionFights));
    }

    [Fact]
    public async Task Bad_requests_to_the_condition_api_are_problems_naming_the_input()
    {
        var operatorClient = _hub.ClientAs(OperatorRole.Operator);

        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync("/api/devices/nobody/conflicts")).StatusCode);
        var limit = await operatorClient.GetAsync($"/api/devices/{Device}/conflicts?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, limit.StatusCode);
        Assert.Contains("limit", await limit.Content.ReadAsStringAsync());
        var noEvidence = await operatorClient.PostAsJsonAsync($"/api/devices/{Device}/conflicts/clear", new { startNewEpoch = true });
        Assert.Equal(HttpStatusCode.BadRequest, noEvidence.StatusCode);
        var badEpoch = await operatorClient.PostAsJsonAsync($"/api/devices/{Device}/conflicts/clear", new { newEpochAfter = -1 });
        Assert.Contains("newEpochAfter", await badEpoch.Content.ReadAsStringAsync());
    }
}
