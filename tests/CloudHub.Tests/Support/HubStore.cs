using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Tests.Support;

/// <summary>A real hub database in a temporary directory, with the registry on top; removed with the test.</summary>
public sealed class HubStore : IDisposable
{
    private readonly TempDirectory _directory = new();

    public HubStore(StoreSynchronous synchronous = StoreSynchronous.Normal)
    {
        Options = new HubStoreOptions { Path = _directory.File("hub.db"), Synchronous = synchronous };
        Database = new HubDatabase(Microsoft.Extensions.Options.Options.Create(Options));
        Registry = new DeviceRegistry(Database, Time, NullLogger<DeviceRegistry>.Instance);
    }

    public static DateTimeOffset Start { get; } = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public ManualTimeProvider Time { get; } = new(Start);
    public HubStoreOptions Options { get; }
    public HubDatabase Database { get; }
    public DeviceRegistry Registry { get; }
    public string Directory => _directory.Path;

    public void Dispose()
    {
        Database.Dispose();
        _directory.Dispose();
    }
}
