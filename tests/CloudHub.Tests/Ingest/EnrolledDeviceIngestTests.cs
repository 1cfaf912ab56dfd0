using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Ingest;

/// <summary>The hub's data side with one enrolled device, for tests of what ingest makes of that device's messages.</summary>
public abstract class EnrolledDeviceIngestTests : IAsyncLifetime
{
    protected const string Device = "box-1";
    protected const long Epoch = 7_000_001;

    private protected InProcessHub Hub { get; } = new();

    public Task InitializeAsync()
    {
        Hub.Registry.Enroll(Device);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Hub.DisposeAsync();

    /// <summary>Ingests <paramref name="payload"/> as if it arrived on <paramref name="topic"/>.</summary>
    protected ValueTask<IngestResult> Ingest(string topic, byte[] payload) => Hub.Ingest.IngestAsync(topic, payload, CancellationToken.None);

    /// <summary>Ingests <paramref name="payload"/> as the device's telemetry.</summary>
    protected ValueTask<IngestResult> Ingest(byte[] payload) => Ingest(Topics.Telemetry(Device), payload);
}
