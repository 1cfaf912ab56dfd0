using EdgeMlops.EdgeAgent.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

public sealed class TelemetryWriterTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _path;

    public TelemetryWriterTests() => _path = _directory.File("edge-agent.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Graceful_shutdown_commits_everything_that_was_accepted()
    {
        // A long flush interval and a large batch keep the records in a partial batch until the stop.
        var options = StoreFixture.Options(_path, o => (o.BatchSize, o.FlushInterval) = (1000, TimeSpan.FromSeconds(30)));
        using (var store = StoreFixture.Store(options))
        {
            var queue = StoreFixture.Queue(options);
            var writer = StoreFixture.Writer(queue, store, options);
            await writer.StartAsync(CancellationToken.None);

            for (var i = 0; i < 500; i++)
                Assert.True(await queue.WriteAsync(TestRecords.Event(i)));
            await writer.StopAsync(Eventually.Soon());

            Assert.False(await queue.WriteAsync(TestRecords.Event(501)));
            Assert.Equal(1, queue.DroppedRecords);
        }

        using var reopened = StoreFixture.Store(options);
        var entries = reopened.ReadOutbox(0, 1000);
        Assert.Equal(Enumerable.Range(1, 500).Select(n => (long)n), entries.Select(e => e.Seq));
        using var file = StoreFixture.Inspect(_path);
        Assert.Equal(500, file.Count("vehicle_events"));
    }

    [Fact]
    public async Task Records_are_committed_in_few_transactions_of_at_most_the_batch_size()
    {
        var options = StoreFixture.Options(_path, o => (o.BatchSize, o.ChannelCapacity) = (256, 2000));
        using var store = StoreFixture.Store(options);
        var queue = StoreFixture.Queue(options);
        for (var i = 0; i < 1000; i++)
            Assert.True(queue.TryWrite(TestRecords.Event(i)));
        var writer = StoreFixture.Writer(queue, store, options);

        await writer.StartAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => store.RecordsWritten == 1000, "all 1000 records are written");
        await writer.StopAsync(Eventually.Soon());

        Assert.Equal(4, store.BatchesCommitted);
    }

    [Fact]
    public async Task A_partial_batch_is_committed_once_the_flush_interval_is_up()
    {
        var options = StoreFixture.Options(_path, o => o.FlushInterval = TimeSpan.FromMilliseconds(50));
        using var store = StoreFixture.Store(options);
        var queue = StoreFixture.Queue(options);
        var writer = StoreFixture.Writer(queue, store, options);
        await writer.StartAsync(CancellationToken.None);

        for (var i = 0; i < 3; i++)
            await queue.WriteAsync(TestRecords.Event(i));

        await Eventually.HoldsAsync(() => store.RecordsWritten == 3, "the three records are committed without a full batch");
        Assert.InRange(store.BatchesCommitted, 1, 3);
        await writer.StopAsync(Eventually.Soon());
    }

    [Fact]
    public async Task A_full_queue_makes_WriteAsync_wait_and_TryWrite_drop_with_a_count()
    {
        var options = StoreFixture.Options(_path, o => (o.BatchSize, o.ChannelCapacity) = (4, 4));
        using var store = StoreFixture.Store(options);
        var queue = StoreFixture.Queue(options);
        for (var i = 0; i < 4; i++)
            Assert.True(queue.TryWrite(TestRecords.Event(i)));

        Assert.False(queue.TryWrite(TestRecords.Stats(1)));
        Assert.False(queue.TryWrite(TestRecords.SampleInfo(1), TestRecords.Jpeg(1, 100)));
        Assert.Equal(2, queue.DroppedRecords);
        Assert.Equal(4, queue.Depth);
        var waiting = queue.WriteAsync(TestRecords.Event(5)).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        var writer = StoreFixture.Writer(queue, store, options);
        await writer.StartAsync(CancellationToken.None);

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        await Eventually.HoldsAsync(() => store.RecordsWritten == 5, "the waiting record is written too");
        await writer.StopAsync(Eventually.Soon());
        Assert.Equal(2, queue.DroppedRecords);
    }

    [Fact]
    public async Task Records_that_break_their_contract_are_refused_counted_and_logged()
    {
        var options = StoreFixture.Options(_path);
        var logger = new FakeLogger<TelemetryQueue>();
        var queue = StoreFixture.Queue(options, logger: logger);

        Assert.False(await queue.WriteAsync(TestRecords.Event(1) with { Confidence = double.NaN }));
        Assert.False(queue.TryWrite(TestRecords.Stats(1) with { CameraId = " " }));
        Assert.False(await queue.WriteAsync(TestRecords.SampleInfo(1), []));

        Assert.Equal(3, queue.RejectedRecords);
        Assert.Equal(0, queue.DroppedRecords);
        Assert.Equal(0, queue.Depth);
        var warnings = logger.At(LogLevel.Warning).ToList();
        Assert.Contains(warnings, m => m.Contains("confidence") && m.Contains("NaN"));
        Assert.Contains(warnings, m => m.Contains("cameraId"));
        Assert.Contains(warnings, m => m.Contains("JPEG is empty"));
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_logged_counted_as_lost_and_retried_while_the_writer_runs_on()
    {
        File.WriteAllBytes(_path, TestRecords.Jpeg(3, 16 * 1024));
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var options = StoreFixture.Options(_path, o => o.ReopenInterval = TimeSpan.FromMinutes(5));
        var logger = new FakeLogger<TelemetryWriter>();
        using var store = StoreFixture.Store(options, clock);
        var queue = StoreFixture.Queue(options, clock);
        var writer = StoreFixture.Writer(queue, store, options, clock, logger);
        await writer.StartAsync(CancellationToken.None);

        for (var i = 0; i < 5; i++)
            Assert.True(await queue.WriteAsync(TestRecords.Event(i)));
        await Eventually.HoldsAsync(() => store.LostRecords == 5, "the five records are counted as lost");

        var error = Assert.Single(logger.At(LogLevel.Error));
        Assert.Contains(_path, error);
        Assert.Contains("not a SQLite database", error);
        Assert.False(writer.Draining.IsCompleted);

        File.Delete(_path);
        clock.Advance(TimeSpan.FromMinutes(5));
        for (var i = 0; i < 3; i++)
            Assert.True(await queue.WriteAsync(TestRecords.Event(10 + i)));
        await Eventually.HoldsAsync(() => store.RecordsWritten == 3, "the store reopens and writes again");
        await writer.StopAsync(Eventually.Soon());

        Assert.Equal([1L, 2, 3], store.ReadOutbox(0, 10).Select(e => e.Seq));
        Assert.Contains(logger.At(LogLevel.Information), m => m.Contains("works again"));
    }
}
