using EdgeMlops.EdgeAgent.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

public sealed class DiskFullTests
{
    [Fact]
    public async Task A_full_disk_is_logged_counts_the_batch_as_lost_and_the_writer_goes_on_once_space_returns()
    {
        using var disk = new TmpfsMount(kilobytes: 1024);
        var path = Path.Combine(disk.Path, "edge-agent.db");
        var options = StoreFixture.Options(path);
        var logger = new FakeLogger<TelemetryWriter>();
        using var store = StoreFixture.Store(options);
        var queue = StoreFixture.Queue(options);
        var writer = StoreFixture.Writer(queue, store, options, logger: logger);
        await writer.StartAsync(CancellationToken.None);
        await queue.WriteAsync(TestRecords.Event(1));
        await queue.WriteAsync(TestRecords.Event(2));
        await Eventually.HoldsAsync(() => store.RecordsWritten == 2, "the first records are written");

        var filler = disk.Fill();
        for (var i = 0; i < 4; i++)
            Assert.True(await queue.WriteAsync(TestRecords.SampleInfo(i), TestRecords.Jpeg(i, 100 * 1024)));
        await Eventually.HoldsAsync(() => store.LostRecords == 4, "the samples that did not fit are counted as lost");
        // The writer counts the loss before it logs it.
        await Eventually.HoldsAsync(() => logger.At(LogLevel.Error).Any(), "the full disk is logged");

        var error = Assert.Single(logger.At(LogLevel.Error));
        Assert.Contains(path, error);
        Assert.Contains("disk is full", error);
        Assert.False(writer.Draining.IsCompleted);

        File.Delete(filler);
        await queue.WriteAsync(TestRecords.SampleInfo(9), TestRecords.Jpeg(9, 100 * 1024));
        await queue.WriteAsync(TestRecords.Event(3));
        await Eventually.HoldsAsync(() => store.RecordsWritten == 4, "writes succeed again once there is space");
        await writer.StopAsync(Eventually.Soon());

        // The failed batches issued no seqs: the hub sees no gap.
        Assert.Equal([1L, 2, 3, 4], store.ReadOutbox(0, 10).Select(e => e.Seq));
        Assert.Contains(logger.At(LogLevel.Information), m => m.Contains("works again"));
    }
}
