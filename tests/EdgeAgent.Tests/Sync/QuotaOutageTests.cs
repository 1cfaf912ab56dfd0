using EdgeMlops.EdgeAgent.Sync;
using EdgeMlops.EdgeAgent.Tests.Telemetry;
using EdgeMlops.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Sync;

/// <summary>PUBACK 0x97 (the device's quota is used up): records kept, a longer wait, one warning per outage, counted.</summary>
public sealed class QuotaOutageTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Quota_refusals_wait_at_least_the_minimum_warn_once_per_outage_and_are_counted()
    {
        using var store = StoreFixture.Store(StoreFixture.Options(_directory.File("edge-agent.db")));
        store.EnsureOpen();
        var progress = new SyncProgress(store, TimeProvider.System);
        var log = new FakeLogger<QuotaOutageTests>();
        var outage = new QuotaOutage(new BrokerAddress("hub", 1883, false), store, progress, log);
        var sample = new OutboxMessage("edgemlops/v1/devices/box-1/samples", [], 7, 7, 1, IsSample: true);
        var refusal = new PublishOutcome(PublishVerdict.Refused, "QuotaExceeded: sample bytes per hour used up") { QuotaExceeded = true };

        var first = outage.Refused(sample, refusal, TimeSpan.FromSeconds(1));
        var second = outage.Refused(sample, refusal, TimeSpan.FromSeconds(2));
        var longBackoff = outage.Refused(sample, refusal, TimeSpan.FromMinutes(5));
        progress.Acked(10); // the hub took records again: the outage is over
        outage.Refused(sample, refusal, TimeSpan.FromSeconds(1));

        Assert.Equal(QuotaOutage.MinimumRetry, first);
        Assert.Equal(QuotaOutage.MinimumRetry, second);
        Assert.Equal(TimeSpan.FromMinutes(5), longBackoff);
        Assert.Equal(4, progress.QuotaRefusals);
        var warnings = log.Collector.GetSnapshot().Where(e => e.Level == LogLevel.Warning).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Contains("quota is used up", w.Message));
    }
}
