using Microsoft.Extensions.DependencyInjection;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Ingest;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task Fifty_devices_publishing_at_once_get_every_record_stored_exactly_once()
    {
        await using var hub = new InProcessHub();
        const int devices = 50, batches = 10, perBatch = 40;
        var ids = Enumerable.Range(1, devices).Select(i => $"box-{i:D2}").ToList();
        foreach (var id in ids)
            hub.Registry.Enroll(id);

        // Every batch is published twice, the second time concurrently with other devices' first ones: at-least-once.
        var results = await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            var outcomes = new List<IngestResult>();
            for (var b = 0; b < batches; b++)
            {
                var payload = Payloads.EventBatch(id, 1, firstSeq: b * perBatch + 1, perBatch);
                outcomes.Add(await hub.Ingest.IngestAsync(Topics.Telemetry(id), payload, CancellationToken.None));
                outcomes.Add(await hub.Ingest.IngestAsync(Topics.Telemetry(id), payload, CancellationToken.None));
            }
            return outcomes;
        })));

        var all = results.SelectMany(r => r).ToList();
        Assert.All(all, r => Assert.Equal(IngestStatus.Stored, r.Status));
        Assert.Equal(devices * batches * perBatch, all.Sum(r => r.Stored));
        Assert.Equal(devices * batches * perBatch, all.Sum(r => r.Duplicates));
        foreach (var id in ids)
            Assert.Equal(Enumerable.Range(1, batches * perBatch).Select(i => (long)i), hub.Seqs("events", id));
        var counters = hub.IngestMetrics.Snapshot();
        Assert.Equal(devices * batches * 2, counters.CommittedMessages);
        Assert.True(counters.Commits <= counters.CommittedMessages);
    }

    [Fact]
    public async Task Disposing_the_hub_stores_what_was_already_accepted_and_the_data_survives_a_reopen()
    {
        using var temp = new TempDirectory();
        var path = temp.File("hub.db");
        await using (var hub = new InProcessHub(services => services.Configure<EdgeMlops.CloudHub.Storage.HubStoreOptions>(o => o.Path = path)))
        {
            hub.Registry.Enroll("box-1");
            var pending = Enumerable.Range(0, 20)
                .Select(b => hub.Ingest.IngestAsync(Topics.Telemetry("box-1"), Payloads.EventBatch("box-1", 1, b * 10 + 1, 10), CancellationToken.None).AsTask())
                .ToList();
            await Task.WhenAll(pending);
        }

        await using var reopened = new InProcessHub(services => services.Configure<EdgeMlops.CloudHub.Storage.HubStoreOptions>(o => o.Path = path));
        Assert.Equal(200, reopened.Count("events", "box-1"));
        var again = await reopened.Ingest.IngestAsync(Topics.Telemetry("box-1"), Payloads.EventBatch("box-1", 1, 1, 10), CancellationToken.None);
        Assert.Equal((0, 10), (again.Stored, again.Duplicates));
    }
}
