using System.Diagnostics;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using Xunit.Abstractions;

namespace EdgeMlops.CloudHub.Tests.Ingest;

public sealed class ThroughputMeasureTemp(ITestOutputHelper output)
{
    [Fact]
    public async Task Measure()
    {
        if (Environment.GetEnvironmentVariable("HUB_MEASURE") != "1") return;
        await using var hub = new HubServices();
        const int callers = 4, batchesPerCaller = 500, perBatch = 500;
        var ids = Enumerable.Range(1, callers).Select(i => $"box-{i}").ToList();
        foreach (var id in ids) hub.Registry.Enroll(id);
        var batches = ids.Select(id => Enumerable.Range(0, batchesPerCaller)
            .Select(b => Payloads.EventBatch(id, 1, b * perBatch + 1, perBatch, seq => $"cam-{seq % 4}")).ToList()).ToList();
        output.WriteLine($"batch bytes: {batches[0][0].Length}");
        GC.Collect();
        foreach (var batch in batches[0].Take(100))
        {
            ContractReader.TryReadTelemetryBatch(batch, out var tb, out _);
            foreach (var rec in tb!.Records) ContractReader.TryReadPayload(rec, out _, out _);
        }
        var pw = Stopwatch.StartNew();
        long parsed = 0;
        foreach (var batch in batches[0].Skip(100).Take(200))
        {
            ContractReader.TryReadTelemetryBatch(batch, out var tb, out _);
            foreach (var rec in tb!.Records) { ContractReader.TryReadPayload(rec, out _, out _); parsed++; }
        }
        output.WriteLine($"parse only, one thread: {parsed / pw.Elapsed.TotalSeconds:F0} records/s");
        pw.Restart(); parsed = 0;
        foreach (var batch in batches[1].Take(200))
        {
            ContractReader.TryReadTelemetryBatch(batch, out var tb, out _); parsed += tb!.Records.Count;
        }
        output.WriteLine($"batch envelope only, one thread: {parsed / pw.Elapsed.TotalSeconds:F0} records/s");
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(ids.Select((id, i) => Task.Run(async () =>
        {
            foreach (var batch in batches[i])
            {
                var r = await hub.Ingest.IngestAsync(Topics.Telemetry(id), batch, CancellationToken.None);
                if (r.Stored != perBatch) throw new InvalidOperationException(r.ToString());
            }
        })));
        watch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        output.WriteLine($"process CPU {cpu.TotalSeconds:F1} s = {1_000_000 / cpu.TotalSeconds:F0} records per CPU-second");
        var total = callers * batchesPerCaller * perBatch;
        var c = hub.Metrics.Snapshot();
        output.WriteLine($"{total} records in {watch.Elapsed.TotalSeconds:F2} s = {total / watch.Elapsed.TotalSeconds:F0} records/s; commits {c.Commits}, mean group {(double)c.CommittedMessages / c.Commits:F2}, commit time {c.CommitSeconds:F2} s, db {new FileInfo(hub.Database.FilePath).Length / 1e6:F0} MB");
        Assert.Equal(total, hub.Database.Read(x => x.ExecuteScalar<long>("SELECT count(*) FROM events")));
    }
}
