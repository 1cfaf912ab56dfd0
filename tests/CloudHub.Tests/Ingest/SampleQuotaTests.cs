using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Ingest;

public sealed class SampleQuotaTests : IAsyncLifetime
{
    private const string Flooder = "box-1";
    private const string Neighbour = "box-2";
    private const long Epoch = 7_000_001;
    private const int ImageBytes = 2 * 1024 * 1024 - 4096; // as large as a sample frame allows
    private const int PerHour = 10;
    private const int Stored = 15;

    private readonly InProcessHub _hub = new(settings: new Dictionary<string, string?>
    {
        [$"{HubStoreOptions.SectionName}:{nameof(HubStoreOptions.SampleBytesPerHourPerDevice)}"] = $"{PerHour * (long)ImageBytes}",
        [$"{HubStoreOptions.SectionName}:{nameof(HubStoreOptions.StoredSampleBytesPerDevice)}"] = $"{Stored * (long)ImageBytes}",
    });

    private static readonly byte[] Image = Payloads.Jpeg(0x42, ImageBytes);

    public Task InitializeAsync()
    {
        _hub.Registry.Enroll(Flooder);
        _hub.Registry.Enroll(Neighbour);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_flooding_device_stops_at_its_hourly_quota_and_the_other_device_is_unaffected()
    {
        var results = new List<IngestResult>();
        for (var seq = 1; seq <= 100; seq++)
            results.Add(await Send(Flooder, seq));

        Assert.All(results.Take(PerHour), r => Assert.Equal(IngestStatus.Stored, r.Status));
        Assert.All(results.Skip(PerHour), r => Assert.Equal(RejectionKind.QuotaExceeded, r.Kind));
        Assert.Equal(100 - PerHour, _hub.Get<IngestMetrics>().RejectionsOf(DeviceChannel.Samples, nameof(RejectionKind.QuotaExceeded)));
        Assert.Equal(PerHour, Directory.GetFiles(Path.Combine(_hub.Database.SamplesDirectory, Flooder)).Length);

        Assert.Equal(IngestStatus.Stored, (await Send(Neighbour, 1)).Status);
    }

    [Fact]
    public async Task The_hourly_window_moves_with_the_clock_until_the_storage_quota_is_reached()
    {
        for (var seq = 1; seq <= PerHour; seq++)
            Assert.Equal(IngestStatus.Stored, (await Send(Flooder, seq)).Status);
        Assert.Equal(RejectionKind.QuotaExceeded, (await Send(Flooder, PerHour + 1)).Kind);

        _hub.Time.Advance(TimeSpan.FromHours(1));

        var afterAnHour = new List<IngestResult>();
        for (var seq = PerHour + 1; seq <= PerHour * 2; seq++)
            afterAnHour.Add(await Send(Flooder, seq));
        Assert.All(afterAnHour.Take(Stored - PerHour), r => Assert.Equal(IngestStatus.Stored, r.Status));
        Assert.All(afterAnHour.Skip(Stored - PerHour), r => Assert.Equal(RejectionKind.QuotaExceeded, r.Kind));
    }

    [Fact]
    public async Task A_redelivered_sample_costs_no_quota()
    {
        for (var i = 0; i < PerHour * 3; i++)
            Assert.Equal(IngestStatus.Stored, (await Send(Flooder, 1)).Status);
    }

    private ValueTask<IngestResult> Send(string deviceId, long seq) =>
        _hub.Ingest.IngestAsync(Topics.Samples(deviceId), Payloads.Sample(deviceId, Epoch, seq, Image), CancellationToken.None);
}
